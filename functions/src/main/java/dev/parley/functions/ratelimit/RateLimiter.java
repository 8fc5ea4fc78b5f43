package dev.parley.functions.ratelimit;

/** Admits or refuses one request of a user for some purpose (sends, fetches). */
public interface RateLimiter {

    /** Returns 0 when admitted, else how many milliseconds until a request would be admitted. */
    long acquire(String userId);

    /** Gives back a request admitted by mistake (e.g. a send that turned out to be a retry). */
    void refund(String userId);
}
