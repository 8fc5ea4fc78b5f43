package dev.parley.model.errors;

/** Malformed JSON, a wrong type or a missing field. */
public final class BadRequestException extends ParleyException {
    public BadRequestException(String message) {
        super(message);
    }
}
