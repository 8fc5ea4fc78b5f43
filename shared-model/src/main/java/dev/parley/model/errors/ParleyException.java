package dev.parley.model.errors;

/**
 * A request Parley refuses on purpose. Each subclass is one failure kind; {@link ErrorCode#of}
 * maps kinds to wire codes. Stack traces are not filled in: these are expected outcomes, and
 * skipping the trace keeps refusing bad input cheap.
 */
public abstract class ParleyException extends RuntimeException {
    protected ParleyException(String message) {
        super(message, null, false, false);
    }
}
