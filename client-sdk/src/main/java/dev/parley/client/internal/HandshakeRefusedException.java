package dev.parley.client.internal;

/** The server answered the WebSocket upgrade with an HTTP status instead of switching protocols. */
public final class HandshakeRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HandshakeRefusedException(int status, Throwable cause) {
        super("handshake refused with HTTP " + status, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
