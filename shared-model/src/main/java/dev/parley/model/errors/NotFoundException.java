package dev.parley.model.errors;

/** The conversation or resource does not exist. */
public final class NotFoundException extends ParleyException {
    public NotFoundException(String message) {
        super(message);
    }
}
