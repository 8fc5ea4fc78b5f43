package dev.parley.client.internal;

/**
 * Liveness of an open connection: a heartbeat every interval, and a connection that then stays
 * silent for the request timeout counts as dropped (any frame shows it is alive). Pure: time is
 * passed in.
 */
final class Heartbeat {
    enum Due { NOTHING, SEND, DEAD }

    private final long interval;
    private final long timeout;
    private long lastSentAt;
    private boolean awaited;
    private long deadline;

    Heartbeat(long intervalMillis, long timeoutMillis) {
        this.interval = intervalMillis;
        this.timeout = timeoutMillis;
    }

    /** A connection opened at {@code now}: the first heartbeat is one interval away. */
    void opened(long now) {
        lastSentAt = now;
        awaited = false;
    }

    /** A frame arrived. */
    void alive() {
        awaited = false;
    }

    /** What the connection needs at {@code now}; after {@link Due#SEND} the heartbeat counts as sent. */
    Due due(long now) {
        if (awaited && now >= deadline) {
            return Due.DEAD;
        }
        if (now - lastSentAt < interval) {
            return Due.NOTHING;
        }
        lastSentAt = now;
        if (!awaited) {
            awaited = true;
            deadline = now + timeout;
        }
        return Due.SEND;
    }
}
