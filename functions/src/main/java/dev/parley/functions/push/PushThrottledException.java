package dev.parley.functions.push;

/** The gateway refused a post for now (HTTP 429, LimitExceededException): back off and retry. */
public final class PushThrottledException extends RuntimeException {
    public PushThrottledException(Throwable cause) {
        super("@connections post throttled", cause, false, false);
    }
}
