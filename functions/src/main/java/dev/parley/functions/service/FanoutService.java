package dev.parley.functions.service;

import dev.parley.functions.push.ConnectionPusher;
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
        Map<String, List<String>> membersByConversation = new HashMap<>();
        Map<String, List<Connection>> connectionsByUser = new HashMap<>();
        Map<Connection, List<Post>> postsByConnection = new LinkedHashMap<>();

        // Within a batch, each connection gets a conversation's entries in seq order even when
        // concurrent sends were stored out of seq order. Across batches clients reorder by seq.
        List<Delivery> inSeqOrder = new ArrayList<>(deliveries);
        inSeqOrder.sort(Comparator.comparing((Delivery d) -> d.entry().conversationId())
                .thenComparingLong(d -> d.entry().seq()));
        for (Delivery delivery : inSeqOrder) {
            try {
                String conversationId = delivery.entry().conversationId();
                List<String> members = membersByConversation.computeIfAbsent(conversationId, this::members);
                String frame = FrameCodec.encode(frameOf(delivery.entry()));
                for (String member : members) {
                    for (Connection connection : connectionsByUser.computeIfAbsent(member, connections::forUser)) {
                        if (!connection.connectionId().equals(delivery.originConnectionId())) {
                            postsByConnection.computeIfAbsent(connection, c -> new ArrayList<>())
                                    .add(new Post(delivery.id(), frame));
                        }
                    }
                }
            } catch (RuntimeException lookupFailed) {
                failed.add(delivery.id());
            }
        }

        List<Future<?>> running = new ArrayList<>(postsByConnection.size());
        postsByConnection.forEach((connection, posts) ->
                running.add(executor.submit(() -> postInOrder(connection, posts, failed, gone))));
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
        notifyOffline(inSeqOrder, membersByConversation, connectionsByUser, gone);
        Set<String> result = new LinkedHashSet<>();
        for (Delivery delivery : deliveries) {
            if (failed.contains(delivery.id())) {
                result.add(delivery.id());
            }
        }
        return result;
    }

    /** Offline notifications for the messages of the batch; best effort, after every push was made. */
    private void notifyOffline(List<Delivery> deliveries, Map<String, List<String>> membersByConversation,
                               Map<String, List<Connection>> connectionsByUser, Set<String> gone) {
        Map<String, List<Connection>> live = new HashMap<>();
        connectionsByUser.forEach((user, all) -> live.put(user,
                all.stream().filter(connection -> !gone.contains(connection.connectionId())).toList()));
        for (Delivery delivery : deliveries) {
            List<String> members = membersByConversation.get(delivery.entry().conversationId());
            if (delivery.entry() instanceof Message message && members != null) {
                notifications.afterDelivery(message, members, live);
            }
        }
    }

    private void postInOrder(Connection connection, List<Post> posts, Set<String> failed, Set<String> gone) {
        for (Post post : posts) {
            try {
                if (pusher.post(connection.connectionId(), post.frame()) == ConnectionPusher.Outcome.GONE) {
                    gone.add(connection.connectionId());
                    // $disconnect is best effort on API Gateway; a 410 is the reliable signal.
                    connections.delete(connection.userId(), connection.connectionId());
                    return;
                }
            } catch (RuntimeException postFailed) {
                failed.add(post.deliveryId());
            }
        }
    }

    private List<String> members(String conversationId) {
        return ConversationId.isDirect(conversationId)
                ? ConversationId.directMembers(conversationId)
                : conversations.members(conversationId);
    }

    private static ServerFrame frameOf(TimelineEntry entry) {
        if (entry instanceof Message message) {
            return new ServerFrame.MessagePush(message);
        }
        return new ServerFrame.GapPush((Gap) entry);
    }
}
