package dev.parley.client;

/** The handshake was refused with 401/403 for two tokens in a row (see {@link MessageListener#onAuthFailed}). */
public final class AuthFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int httpStatus;

    public AuthFailedException(int httpStatus) {
        super("the WebSocket handshake was refused with HTTP " + httpStatus + " for two tokens in a row");
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
