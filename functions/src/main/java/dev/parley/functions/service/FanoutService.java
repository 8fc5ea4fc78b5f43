package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.push.PushThrottledException;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.ConversationStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes stored timeline entries to every connection of every member (the sending connection
 * excepted: it has its {@code sent} reply). Delivery is at least once: a delivery that could not
 * reach every live connection is reported failed and retried whole, and clients drop the
 * duplicates by (conversationId, seq).
 *
 * <p>Posts run concurrently across connections and in order within one connection, so a device
 * receives a batch's entries in stream order. Every post is awaited before {@link #deliver}
 * returns.
 */
public final class FanoutService {

    /** One stream record to deliver. {@code id} identifies it in the batch-failure report. */
    public record Delivery(String id, TimelineEntry entry, String originConnectionId) {}

    private record Post(String deliveryId, String frame) {}

    /** What happened to one delivery's posts, for its log line. */
    private static final class Tally {
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger gone = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();
    }

    /** Retries of a throttled post, with exponential backoff, before the delivery is reported failed. */
    private static final int THROTTLE_RETRIES = 3;
    private static final long THROTTLE_BACKOFF_MILLIS = 50;

    private final ConversationStore conversations;
    private final ConnectionStore connections;
    private final ConnectionPusher pusher;
    private final ExecutorService executor;
    private final NotificationService notifications;

    public FanoutService(ConversationStore conversations, ConnectionStore connections, ConnectionPusher pusher,
                         ExecutorService executor, NotificationService notifications) {
        this.conversations = conversations;
        this.connections = connections;
        this.pusher = pusher;
        this.executor = executor;
        this.notifications = notifications;
    }

    /** Delivers the batch and returns the ids of the deliveries that must be retried. */
    public Set<String> deliver(List<Delivery> deliveries) {
        Set<String> failed = ConcurrentHashMap.newKeySet();
        Set<String> gone = ConcurrentHashMap.newKeySet();
        Map<String, Tally> tallies = new ConcurrentHashMap<>();
        deliveries.forEach(delivery -> tallies.put(delivery.id(), new Tally()));
        Map<String, Map<String, Long>> membersByConversation = new HashMap<>();
        Map<String, List<Connection>> connectionsByUser = new HashMap<>();
        Map<Connection, List<Post>> postsByConnection = new LinkedHashMap<>();

        // Within a batch, each connection gets a conversation's entries in seq order even when
        // concurrent sends were stored out of seq order. Across batches clients reorder by seq.
        List<Delivery> inSeqOrder = new ArrayList<>(deliveries);
        inSeqOrder.sort(Comparator.comparing((Delivery d) -> d.entry().conversationId())
                .thenComparingLong(d -> d.entry().seq()));
        lookUpConnections(inSeqOrder, membersByConversation, connectionsByUser, failed);
        for (Delivery delivery : inSeqOrder) {
            if (failed.contains(delivery.id())) {
                continue;
            }
            String frame = FrameCodec.encode(frameOf(delivery.entry()));
            for (String member : recipients(membersByConversation.get(delivery.entry().conversationId()),
                    delivery.entry().seq())) {
                for (Connection connection : connectionsByUser.get(member)) {
                    if (!connection.connectionId().equals(delivery.originConnectionId())) {
                        postsByConnection.computeIfAbsent(connection, c -> new ArrayList<>())
                                .add(new Post(delivery.id(), frame));
                    }
                }
            }
        }

        List<Future<?>> running = new ArrayList<>(postsByConnection.size());
        postsByConnection.forEach((connection, posts) ->
                running.add(executor.submit(() -> postInOrder(connection, posts, failed, gone, tallies))));
        for (Future<?> post : running) {
            try {
                post.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("fan-out interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("fan-out task failed", e.getCause());
            }
        }
        int notified = notifyOffline(inSeqOrder, membersByConversation, connectionsByUser, gone);
        report(inSeqOrder, tallies, failed, notified);
        Set<String> result = new LinkedHashSet<>();
        for (Delivery delivery : deliveries) {
            if (failed.contains(delivery.id())) {
                result.add(delivery.id());
            }
        }
        return result;
    }

    /**
     * Members of each conversation of the batch, then every member's connections, the lookups run
     * concurrently (a 100-member group is 100 Queries). A delivery whose lookups failed is reported
     * failed, so it is retried.
     */
    private void lookUpConnections(List<Delivery> deliveries, Map<String, Map<String, Long>> membersByConversation,
                                   Map<String, List<Connection>> connectionsByUser, Set<String> failed) {
        Map<String, Future<Map<String, Long>>> members = new LinkedHashMap<>();
        for (Delivery delivery : deliveries) {
            members.computeIfAbsent(delivery.entry().conversationId(),
                    conversationId -> executor.submit(() -> members(conversationId)));
        }
        Map<String, Future<List<Connection>>> lookups = new LinkedHashMap<>();
        members.forEach((conversationId, future) -> {
            try {
                Map<String, Long> ids = future.get();
                membersByConversation.put(conversationId, ids);
                for (String member : ids.keySet()) {
                    lookups.computeIfAbsent(member, user -> executor.submit(() -> connections.forUser(user)));
                }
            } catch (ExecutionException | InterruptedException lookupFailed) {
                if (lookupFailed instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Set<String> unknownUsers = new java.util.HashSet<>();
        lookups.forEach((user, future) -> {
            try {
                connectionsByUser.put(user, future.get());
            } catch (ExecutionException | InterruptedException lookupFailed) {
                if (lookupFailed instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                unknownUsers.add(user);
            }
        });
        for (Delivery delivery : deliveries) {
            Map<String, Long> ids = membersByConversation.get(delivery.entry().conversationId());
            if (ids == null || ids.keySet().stream().anyMatch(unknownUsers::contains)) {
                failed.add(delivery.id());
            }
        }
    }

    /** Offline notifications for the messages of the batch; best effort, after every push was made. */
    private int notifyOffline(List<Delivery> deliveries, Map<String, Map<String, Long>> membersByConversation,
                              Map<String, List<Connection>> connectionsByUser, Set<String> gone) {
        Map<String, List<Connection>> live = new HashMap<>();
        connectionsByUser.forEach((user, all) -> live.put(user,
                all.stream().filter(connection -> !gone.contains(connection.connectionId())).toList()));
        int notified = 0;
        for (Delivery delivery : deliveries) {
            Map<String, Long> members = membersByConversation.get(delivery.entry().conversationId());
            if (delivery.entry() instanceof Message message && members != null) {
                notified += notifications.afterDelivery(message, recipients(members, message.seq()), live);
            }
        }
        return notified;
    }

    /**
     * One log line per delivered entry (follow a message from send to every push by its
     * conversationId and seq) and one metrics line per batch.
     */
    private static void report(List<Delivery> deliveries, Map<String, Tally> tallies, Set<String> failed, int notified) {
        long now = System.currentTimeMillis();
        long posted = 0;
        long gone = 0;
        long throttled = 0;
        long maxLatency = 0;
        for (Delivery delivery : deliveries) {
            Tally tally = tallies.get(delivery.id());
            Long latency = delivery.entry() instanceof Message message ? now - message.sentAt() : null;
            Telemetry.event("fanout")
                    .field("conversationId", delivery.entry().conversationId())
                    .field("seq", delivery.entry().seq())
                    .field("entry", delivery.entry() instanceof Message ? "message" : "gap")
                    .field("pushed", tally.delivered.get())
                    .field("gone", tally.gone.get())
                    .field("throttled", tally.throttled.get())
                    .field("failedPosts", tally.failed.get())
                    .field("outcome", failed.contains(delivery.id()) ? "retry" : "ok")
                    .field("latencyMs", latency)
                    .emit(failed.contains(delivery.id()) ? Telemetry.Level.WARN : Telemetry.Level.INFO);
            posted += tally.delivered.get();
            gone += tally.gone.get();
            throttled += tally.throttled.get();
            maxLatency = Math.max(maxLatency, latency == null ? 0 : latency);
        }
        Telemetry.event("fanout-batch")
                .field("records", deliveries.size())
                .metric("PushesPosted", posted, "Count")
                .metric("PushesGone", gone, "Count")
                .metric("PushesThrottled", throttled, "Count")
                .metric("RecordsFailed", failed.size(), "Count")
                .metric("NotificationsSent", notified, "Count")
                .metric("FanoutLatencyMs", maxLatency, "Milliseconds")
                .emit(Telemetry.Level.INFO);
    }

    private void postInOrder(Connection connection, List<Post> posts, Set<String> failed, Set<String> gone,
                             Map<String, Tally> tallies) {
        for (Post post : posts) {
            Tally tally = tallies.get(post.deliveryId());
            try {
                if (postWithBackoff(connection, post, tally) == ConnectionPusher.Outcome.GONE) {
                    tally.gone.incrementAndGet();
                    gone.add(connection.connectionId());
                    // $disconnect is best effort on API Gateway; a 410 is the reliable signal.
                    connections.delete(connection.userId(), connection.connectionId());
                    return;
                }
                tally.delivered.incrementAndGet();
                if (Telemetry.enabled(Telemetry.Level.DEBUG)) {
                    Telemetry.event("push").field("connectionId", connection.connectionId())
                            .field("userId", connection.userId()).field("deliveryId", post.deliveryId())
                            .emit(Telemetry.Level.DEBUG);
                }
            } catch (RuntimeException postFailed) {
                tally.failed.incrementAndGet();
                failed.add(post.deliveryId());
            }
        }
    }

    /** A 429 from the gateway is retried after 50, 100, 200 ms before it counts as a failure. */
    private ConnectionPusher.Outcome postWithBackoff(Connection connection, Post post, Tally tally) {
        for (int attempt = 0; ; attempt++) {
            try {
                return pusher.post(connection.connectionId(), post.frame());
            } catch (PushThrottledException throttled) {
                tally.throttled.incrementAndGet();
                if (attempt == THROTTLE_RETRIES) {
                    throw throttled;
                }
                try {
                    Thread.sleep(THROTTLE_BACKOFF_MILLIS << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw throttled;
                }
            }
        }
    }

    /** Members and the seq each joined after (0 in a direct conversation). */
    private Map<String, Long> members(String conversationId) {
        Map<String, Long> joined = new LinkedHashMap<>();
        if (ConversationId.isDirect(conversationId)) {
            ConversationId.directMembers(conversationId).forEach(member -> joined.put(member, 0L));
        } else {
            conversations.memberships(conversationId).forEach(m -> joined.put(m.userId(), m.joinedSeq()));
        }
        return joined;
    }

    /** The members an entry goes to: those who had joined before its seq. */
    private static List<String> recipients(Map<String, Long> joined, long seq) {
        List<String> recipients = new ArrayList<>();
        joined.forEach((member, joinedSeq) -> {
            if (joinedSeq < seq) {
                recipients.add(member);
            }
        });
        return recipients;
    }

    private static ServerFrame frameOf(TimelineEntry entry) {
        if (entry instanceof Message message) {
            return new ServerFrame.MessagePush(message);
        }
        return new ServerFrame.GapPush((Gap) entry);
    }
}
