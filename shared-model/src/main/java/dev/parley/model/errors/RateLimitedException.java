package dev.parley.model.errors;

/** The caller is over a rate limit; it may try again after {@link #retryAfterMs()}. */
public final class RateLimitedException extends ParleyException {
    private final long retryAfterMs;

    public RateLimitedException(String message, long retryAfterMs) {
        super(message);
        this.retryAfterMs = retryAfterMs;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }
}
