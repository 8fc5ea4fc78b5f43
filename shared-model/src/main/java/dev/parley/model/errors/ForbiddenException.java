package dev.parley.model.errors;

/** The caller is a member but may not do this (e.g. remove another member of a group). */
public final class ForbiddenException extends ParleyException {
    public ForbiddenException(String message) {
        super(message);
    }
}
