package dev.parley.client;

import java.util.Map;

/**
 * How far each other member of a group has read ({@code GET /groups/{id}/reads}; groups of at most
 * 100 members, larger ones answer no positions). {@link #readBy(long)} is the "read by N" figure
 * under the message at a seq.
 */
public record GroupReads(String conversationId, long memberCount, Map<String, Long> readSeqs) {
    public GroupReads {
        readSeqs = Map.copyOf(readSeqs);
    }

    /** How many other members have read up to {@code seq} or past it. */
    public long readBy(long seq) {
        return readSeqs.values().stream().filter(readSeq -> readSeq >= seq).count();
    }
}
