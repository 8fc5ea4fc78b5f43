package dev.parley.functions.ratelimit;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The same token bucket as the DynamoDB one (GCRA: one theoretical arrival time per user), held in
 * this instance's memory: it bounds what one container does for a user, not what all containers
 * do together. For work that touches no shared resource (a heartbeat that writes nothing), in
 * front of the shared budget, which still guards every write.
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final int MAX_USERS = 10_000;

    private final Clock clock;
    private final long intervalMicros;
    private final int burst;
    private final Map<String, Long> tat = new ConcurrentHashMap<>();

    public LocalRateLimiter(Clock clock, double perSecond, int burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.clock = clock;
        this.intervalMicros = Math.round(1_000_000 / perSecond);
        this.burst = burst;
    }

    @Override
    public long acquire(String userId) {
        long now = clock.millis() * 1000;
        if (tat.size() >= MAX_USERS) {
            tat.values().removeIf(arrival -> arrival <= now); // full buckets need no entry
        }
        long[] wait = {0};
        tat.compute(userId, (user, arrival) -> {
            long next = Math.max(arrival == null ? now : arrival, now) + intervalMicros;
            if (next > now + burst * intervalMicros) {
                wait[0] = Math.max(1, (next - (now + burst * intervalMicros) + 999) / 1000);
                return arrival;
            }
            return next;
        });
        return wait[0];
    }
}
