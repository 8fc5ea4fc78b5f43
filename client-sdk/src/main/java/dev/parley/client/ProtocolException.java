package dev.parley.client;

/** A request ended because the server's answer to it could not be read (see {@link ProtocolError}). */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ProtocolError error;

    public ProtocolException(ProtocolError error) {
        super("unreadable " + (error.type() == null ? "frame" : error.type() + " frame") + ": " + error.reason());
        this.error = error;
    }

    public ProtocolError error() {
        return error;
    }
}
