package dev.parley.model.errors;

/** A body or frame over its size limit. */
public final class PayloadTooLargeException extends ParleyException {
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
