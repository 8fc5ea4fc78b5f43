package dev.parley.model.errors;

/** The request contradicts what is stored (e.g. a clientMsgId reused with different content). */
public final class ConflictException extends ParleyException {
    public ConflictException(String message) {
        super(message);
    }
}
