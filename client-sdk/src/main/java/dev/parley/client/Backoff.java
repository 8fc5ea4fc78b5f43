package dev.parley.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The reconnect policy: exponential backoff with full jitter. Attempt {@code n} (0-based) waits
 * a uniformly random time in {@code [0, min(cap, base * 2^n)]}; the defaults give ceilings of
 * 1 s, 2 s, 4 s ... 30 s.
 *
 * <p>Full jitter (random over the whole window, not a small spread around the exponential
 * value) is what keeps a fleet of clients dropped by the same gateway incident from coming back
 * in synchronized waves: their attempts spread evenly over each window.
 *
 * <p>The attempt count resets once a connection stayed open for {@code stableAfter}: a server
 * that accepts connections and drops them at once keeps clients backing off, instead of letting
 * every brief success restart them at the smallest delay.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final Duration stableAfter;
    private final RandomGenerator random;

    private Backoff(Duration base, Duration cap, Duration stableAfter, RandomGenerator random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got " + base + " and " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.stableAfter = Objects.requireNonNull(stableAfter, "stableAfter");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** 1 s base, 30 s cap, reset after 10 s of stable connection. */
    public static Backoff defaults() {
        return exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public static Backoff exponential(Duration base, Duration cap) {
        return new Backoff(base, cap, Duration.ofSeconds(10), new Random());
    }

    public Backoff withStableAfter(Duration stableAfter) {
        return new Backoff(base, cap, stableAfter, random);
    }

    /** The source of jitter; a seeded generator makes the delays reproducible in tests. */
    public Backoff withRandom(RandomGenerator random) {
        return new Backoff(base, cap, stableAfter, random);
    }

    public Duration base() {
        return base;
    }

    public Duration cap() {
        return cap;
    }

    public Duration stableAfter() {
        return stableAfter;
    }

    /** The upper bound of the delay before attempt {@code attempt} (0-based): min(cap, base * 2^attempt). */
    public Duration ceiling(int attempt) {
        long ceiling = base.toMillis();
        long capMillis = cap.toMillis();
        for (int i = 0; i < attempt && ceiling < capMillis; i++) {
            ceiling *= 2; // cannot overflow: ceiling < cap before doubling
        }
        return Duration.ofMillis(Math.min(ceiling, capMillis));
    }

    /** A fresh attempt counter, reading time from {@code clock}. One per client; not thread-safe. */
    public Sequence start(Clock clock) {
        return new Sequence(clock);
    }

    /** The delays of one client's successive reconnect attempts. */
    public final class Sequence {
        private final Clock clock;
        private int attempt;
        private long connectedAt = -1;

        private Sequence(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** A connection opened now. */
        public void connected() {
            connectedAt = clock.millis();
        }

        /**
         * The delay before the next attempt, after a failed attempt or a dropped connection.
         * Starts over at attempt 0 when the last connection had stayed open for {@code stableAfter}.
         */
        public Duration next() {
            if (connectedAt >= 0 && clock.millis() - connectedAt >= stableAfter.toMillis()) {
                attempt = 0;
            }
            connectedAt = -1;
            long ceiling = ceiling(attempt).toMillis();
            if (ceiling < cap.toMillis()) {
                attempt++;
            }
            return Duration.ofMillis(random.nextLong(ceiling + 1));
        }

        /** How many attempts the current window is in (0 after a reset). */
        public int attempt() {
            return attempt;
        }

        public void reset() {
            attempt = 0;
            connectedAt = -1;
        }
    }
}
