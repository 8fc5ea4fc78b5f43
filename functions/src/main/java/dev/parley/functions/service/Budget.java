package dev.parley.functions.service;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.model.errors.RateLimitedException;

/**
 * One route's per-user budget: spending refuses with {@code RATE_LIMITED} (and the wait until a
 * token frees up) once the user is over it, before the route does any work. Every route has one
 * (docs/security.md lists them with their defaults and settings).
 */
public final class Budget {
    private final String route;
    private final RateLimiter limiter;

    public Budget(String route, RateLimiter limiter) {
        this.route = route;
        this.limiter = limiter;
    }

    /** A budget that never refuses, for tests of other behaviour. */
    public static Budget unlimited(String route) {
        return new Budget(route, userId -> 0);
    }

    /** Takes one token of the user's budget, or throws {@link RateLimitedException}. */
    public void spend(String userId) {
        long retryAfterMs = limiter.acquire(userId);
        if (retryAfterMs > 0) {
            throw new RateLimitedException("over the " + route + " budget; retry after retryAfterMs", retryAfterMs);
        }
    }
}
