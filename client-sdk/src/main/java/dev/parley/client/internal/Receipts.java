package dev.parley.client.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Read cursors the user moved ({@code read}, sent as soon as a connection is open) and the
 * device's delivery cursors ({@code ack}, at most once per ack interval). Only the highest seq
 * per conversation is kept while waiting; the server never moves either cursor backwards.
 */
final class Receipts {
    private final Connection connection;
    private final long ackInterval;
    private final Map<String, Long> readsToSend = new LinkedHashMap<>();
    private final Map<String, Long> acksDue = new LinkedHashMap<>();
    private long lastAckFlush;

    Receipts(Connection connection, long ackIntervalMillis) {
        this.connection = connection;
        this.ackInterval = ackIntervalMillis;
    }

    void markRead(String conversationId, long seq) {
        readsToSend.merge(conversationId, seq, Math::max);
    }

    /** The application got and saved everything of the conversation up to {@code seq}. */
    void delivered(String conversationId, long seq) {
        acksDue.merge(conversationId, seq, Math::max);
    }

    /** Writes the reads, and the acks when the interval has passed. Needs an open connection. */
    void pump(long now) {
        if (!readsToSend.isEmpty()) {
            readsToSend.forEach((id, seq) -> connection.write(Wire.read(connection.nextId("r"), id, seq)));
            readsToSend.clear();
        }
        if (now - lastAckFlush >= ackInterval) {
            flushAcks(now);
        }
    }

    void flushAcks(long now) {
        if (acksDue.isEmpty()) {
            return;
        }
        acksDue.forEach((id, seq) -> connection.write(Wire.ack(connection.nextId("a"), id, seq)));
        acksDue.clear();
        lastAckFlush = now;
    }
}
