package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.functions.store.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which connection gets which entries, in which order: a pure function of the batch and the
 * lookups, so it is tested without any store or socket.
 * <ul>
 *   <li>An entry goes to the members who had joined before its seq, on every connection but the
 *       one it was sent from (that one has its {@code sent} reply).</li>
 *   <li>Within a batch each connection gets a conversation's entries in seq order, even when
 *       concurrent sends were stored out of seq order. Across batches clients reorder by seq.</li>
 *   <li>A group change's entry (kind {@code member}) is followed on each connection by the
 *       change's {@code members} frame, except for the users the group service tells itself
 *       ({@link GroupService#toldDirectly}): one lookup of the members' live items serves both.</li>
 * </ul>
 */
final class FanoutPlan {
    /** One frame for one connection, and the delivery it belongs to. */
    record Post(String deliveryId, String frame) {}

    private FanoutPlan() {}

    static List<Delivery> inSeqOrder(List<Delivery> deliveries) {
        List<Delivery> sorted = new ArrayList<>(deliveries);
        sorted.sort(Comparator.comparing((Delivery d) -> d.entry().conversationId()).thenComparingLong(d -> d.entry().seq()));
        return sorted;
    }

    /**
     * The posts of each connection, in order. Deliveries in {@code skip} (their lookups failed)
     * get none. {@code encode} turns an entry into its frame, once per entry.
     */
    static Map<Connection, List<Post>> posts(List<Delivery> inSeqOrder, FanoutLookups.Found found, Set<String> skip,
                                             Function<Delivery, String> encode) {
        Map<Connection, List<Post>> posts = new LinkedHashMap<>();
        for (Delivery delivery : inSeqOrder) {
            if (skip.contains(delivery.id())) {
                continue;
            }
            String frame = encode.apply(delivery);
            String members = PushFrames.members(delivery.entry());
            Set<String> toldDirectly = members == null ? Set.of() : GroupService.toldDirectly(delivery.entry());
            for (String member : recipients(found.members(delivery.entry().conversationId()), delivery.entry().seq())) {
                for (Connection connection : found.connections(member)) {
                    if (!connection.connectionId().equals(delivery.originConnectionId())) {
                        List<Post> own = posts.computeIfAbsent(connection, c -> new ArrayList<>());
                        own.add(new Post(delivery.id(), frame));
                        if (members != null && !toldDirectly.contains(member)) {
                            own.add(new Post(delivery.id(), members));
                        }
                    }
                }
            }
        }
        return posts;
    }

    /** The members an entry goes to: those who had joined before its seq. */
    static List<String> recipients(Map<String, Long> joined, long seq) {
        List<String> recipients = new ArrayList<>();
        joined.forEach((member, joinedSeq) -> {
            if (joinedSeq < seq) {
                recipients.add(member);
            }
        });
        return recipients;
    }
}
