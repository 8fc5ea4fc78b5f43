package dev.parley.model.errors;

/** The frame's action is not a route of the protocol. */
public final class UnknownActionException extends ParleyException {
    public UnknownActionException(String message) {
        super(message);
    }
}
