package dev.parley.functions.service;

import dev.parley.functions.service.FanoutService.Delivery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a large conversation's entries are cut into {@link FanoutChunk chunks}: a pure function,
 * tested without a queue.
 *
 * <p>Every member falls in one of {@code groups} buckets by a hash of their user id, which never
 * changes; each bucket is one FIFO message group ({@code conversationId#bucket}). So every chunk
 * that reaches a given user's connections travels in the same group, in the order the stream
 * function sent it, and the chunk function consumes a group's chunks one at a time: the order per
 * connection is the seq order the stream delivers, as for a small conversation. A bucket holding
 * more than {@code chunkSize} members, or entries too large for one queue message, is cut into
 * several chunks of the same group, sent in seq order.
 */
final class FanoutChunking {
    /** Characters of a chunk body: SQS takes 256 KiB a message; this leaves room for escapes and attributes. */
    static final int MAX_BODY_CHARS = 200_000;
    /** Characters of a chunk's recipient list, so that the largest entry (16 KiB body, escaped) still fits beside it. */
    static final int MAX_RECIPIENT_CHARS = 100_000;

    /** The chunks of one message group, in the order they must be sent. */
    record Sending(String groupId, List<FanoutChunk> chunks) {}

    private FanoutChunking() {}

    static int bucket(String userId, int groups) {
        return Math.floorMod(userId.hashCode(), groups); // String.hashCode is specified: stable across JVMs
    }

    static List<Sending> plan(String conversationId, List<Delivery> inSeqOrder, Map<String, Long> members,
                              int chunkSize, int groups) {
        return plan(conversationId, null, inSeqOrder, members, chunkSize, groups);
    }

    /** @param name the group's name, carried in every chunk (null: none) */
    static List<Sending> plan(String conversationId, String name, List<Delivery> inSeqOrder, Map<String, Long> members,
                              int chunkSize, int groups) {
        long lastSeq = inSeqOrder.stream().mapToLong(d -> d.entry().seq()).max().orElse(0);
        Map<Integer, TreeMap<String, Long>> buckets = new TreeMap<>();
        members.forEach((user, joined) -> {
            if (joined < lastSeq) { // the others receive none of these entries
                buckets.computeIfAbsent(bucket(user, groups), b -> new TreeMap<>()).put(user, joined);
            }
        });
        List<List<Delivery>> entryParts = entryParts(inSeqOrder);
        List<Sending> sendings = new ArrayList<>();
        buckets.forEach((bucket, bucketMembers) -> {
            List<FanoutChunk> chunks = new ArrayList<>();
            List<Map<String, Long>> recipientParts = recipientParts(bucketMembers, chunkSize);
            for (List<Delivery> entries : entryParts) {
                for (Map<String, Long> recipients : recipientParts) {
                    chunks.add(new FanoutChunk(conversationId, name, recipients, entries));
                }
            }
            sendings.add(new Sending(conversationId + '#' + bucket, chunks));
        });
        return sendings;
    }

    private static List<Map<String, Long>> recipientParts(Map<String, Long> members, int chunkSize) {
        List<Map<String, Long>> parts = new ArrayList<>();
        Map<String, Long> part = new LinkedHashMap<>();
        int chars = 0;
        for (Map.Entry<String, Long> member : members.entrySet()) {
            int size = member.getKey().length() + 24;
            if (!part.isEmpty() && (part.size() == chunkSize || chars + size > MAX_RECIPIENT_CHARS)) {
                parts.add(part);
                part = new LinkedHashMap<>();
                chars = 0;
            }
            part.put(member.getKey(), member.getValue());
            chars += size;
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }

    private static List<List<Delivery>> entryParts(List<Delivery> inSeqOrder) {
        List<List<Delivery>> parts = new ArrayList<>();
        List<Delivery> part = new ArrayList<>();
        int chars = 0;
        for (Delivery delivery : inSeqOrder) {
            int size = FanoutChunk.encodedLength(delivery);
            if (!part.isEmpty() && chars + size > MAX_BODY_CHARS - MAX_RECIPIENT_CHARS) {
                parts.add(part);
                part = new ArrayList<>();
                chars = 0;
            }
            part.add(delivery);
            chars += size;
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }
}
