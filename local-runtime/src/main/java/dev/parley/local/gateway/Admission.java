package dev.parley.local.gateway;

/**
 * The gateway's admission limits at {@code $connect}, checked before the upgrade: open
 * connections at most {@code maxConnections}, new connections at most {@code connectRate} per
 * second (a token bucket with a one-second burst). API Gateway's defaults for an account are
 * 500 new connections per second; Parley's local default of 10,000 open connections keeps a
 * laptop responsive.
 */
public final class Admission {
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_CONNECT_RATE = 500;

    private final int maxConnections;
    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long refilledAt = System.nanoTime();

    public Admission(int maxConnections, int connectRate) {
        if (maxConnections < 1 || connectRate < 1) {
            throw new IllegalArgumentException("admission limits must be positive");
        }
        this.maxConnections = maxConnections;
        this.ratePerNano = connectRate / 1e9;
        this.capacity = connectRate;
        this.tokens = connectRate;
    }

    public static Admission defaults() {
        return new Admission(DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECT_RATE);
    }

    /** Milliseconds to wait before trying again, or 0 when a new connection may proceed (and is counted). */
    public synchronized long admit(int openConnections) {
        if (openConnections >= maxConnections) {
            return 1_000;
        }
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * ratePerNano);
        refilledAt = now;
        if (tokens < 1) {
            return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e6));
        }
        tokens -= 1;
        return 0;
    }

    public int maxConnections() {
        return maxConnections;
    }
}
