package dev.parley.functions.support.memory;

import dev.parley.functions.ratelimit.RateLimiter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link dev.parley.functions.ratelimit.RateLimiter} with a fixed number of tokens per user and no refill. */
public final class CountingRateLimiter implements RateLimiter {
    private final int tokens;
    private final Map<String, AtomicInteger> taken = new ConcurrentHashMap<>();

    public CountingRateLimiter(int tokens) {
        this.tokens = tokens;
    }

    @Override
    public long acquire(String userId) {
        AtomicInteger count = taken.computeIfAbsent(userId, u -> new AtomicInteger());
        if (count.incrementAndGet() > tokens) {
            count.decrementAndGet();
            return 1000;
        }
        return 0;
    }

    /** Tokens the user holds spent. */
    public int spent(String userId) {
        return taken.getOrDefault(userId, new AtomicInteger()).get();
    }
}
