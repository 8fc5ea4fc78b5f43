package dev.parley.client;

/** The server refused a request with a definitive {@code error} frame. */
public final class ServerErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String rawCode;

    public ServerErrorException(String rawCode, String message) {
        super(rawCode + ": " + message);
        this.code = ErrorCode.of(rawCode);
        this.rawCode = rawCode;
    }

    public ErrorCode code() {
        return code;
    }

    /** The code as the server spelled it (differs from {@link #code()} only for {@link ErrorCode#OTHER}). */
    public String rawCode() {
        return rawCode;
    }
}
