package dev.parley.functions.ratelimit;

/** Admits or refuses one request of a user for one purpose (a route's budget). */
@FunctionalInterface
public interface RateLimiter {

    /** Returns 0 when admitted, else how many milliseconds until a request would be admitted. */
    long acquire(String userId);
}
