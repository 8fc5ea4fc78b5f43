package dev.parley.functions.ratelimit;

/** Admits or refuses one request of a user for one purpose (a route's budget). */
@FunctionalInterface
public interface RateLimiter {

    /** Returns 0 when admitted, else how many milliseconds until a request would be admitted. */
    long acquire(String userId);

    /**
     * Admits the request from what this instance already holds (a leased token), with no call to
     * the shared store: true when admitted that way. False says nothing about the budget; the caller
     * then asks {@link #acquire}, which decides. Without a local holding, always false.
     */
    default boolean acquireHeld(String userId) {
        return false;
    }
}
