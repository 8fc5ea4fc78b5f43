package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.util.ArrayList;
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
import java.util.function.Supplier;

/**
 * Pushes stored timeline entries to every connection of every member (the sending connection
 * excepted: it has its {@code sent} reply), and applies them to every member's sync-store entry.
 * Delivery is at least once: a delivery that could not reach every live connection is reported
 * failed and retried whole, and clients drop the duplicates by (conversationId, seq).
 *
 * <p>The stream function ({@link #deliver}) reads each conversation's members. A conversation
 * with at most {@code chunkSize} members is served right there; a larger one is cut into
 * {@link FanoutChunking chunks} sent to the fan-out queue, and the chunk function
 * ({@link #deliverChunk}) serves each chunk's recipients the same way (docs/architecture.md,
 * "Fan-out"). Serving recipients: their live connections, 100 users per lookup
 * ({@link FanoutLookups}); then the pushes, one task per connection on the bounded pool, each
 * posting its entries in seq order ({@link FanoutPlan}, {@link Poster}); then, once every push
 * was made, the sync store, one task per recipient ({@link InboxWriter}). Deliver first: the
 * entries are stored already and the push is what a recipient waits for, while the sync store
 * serves their other devices' next sync and the unread counts. Offline notifications are handed
 * on afterwards (a queue: nothing here reads devices). Every post and every sync-store write is
 * awaited before a call returns, and either failing fails its delivery.
 */
public final class FanoutService {

    /** One stream record to deliver. {@code id} identifies it in the batch-failure report. */
    public record Delivery(String id, TimelineEntry entry, String originConnectionId) {}

    /** How large conversations are cut: recipients per chunk, FIFO message groups per conversation. */
    public record Chunking(int chunkSize, int groups) {
        public static final Chunking NONE = new Chunking(Integer.MAX_VALUE, 1);
    }

    private final FanoutLookups lookups;
    private final Poster poster;
    private final ExecutorService executor;
    private final NotificationService notifications;
    private final InboxWriter inbox;
    /** Null: no queue, every conversation is served by the stream function. */
    private final Supplier<FanoutQueue> queue;
    private final Chunking chunking;

    public FanoutService(ConversationAccess access, ConnectionStore connections, Poster poster,
                         ExecutorService executor, NotificationService notifications, InboxWriter inbox) {
        this(access, connections, poster, executor, notifications, inbox, null, Chunking.NONE);
    }

    /** @param queue where the chunks of conversations above {@code chunking.chunkSize()} members go; null: none */
    public FanoutService(ConversationAccess access, ConnectionStore connections, Poster poster,
                         ExecutorService executor, NotificationService notifications, InboxWriter inbox,
                         Supplier<FanoutQueue> queue, Chunking chunking) {
        this.lookups = new FanoutLookups(access, connections, executor);
        this.poster = poster;
        this.executor = executor;
        this.notifications = notifications;
        this.inbox = inbox;
        this.queue = queue;
        this.chunking = chunking;
    }

    /** The stream function: delivers the batch and returns the ids of the deliveries that must be retried. */
    public Set<String> deliver(List<Delivery> deliveries) {
        List<Delivery> inSeqOrder = FanoutPlan.inSeqOrder(deliveries);
        Map<String, Map<String, Long>> members = lookups.members(inSeqOrder);
        Set<String> failed = ConcurrentHashMap.newKeySet();
        Map<String, Map<String, Long>> here = new HashMap<>();
        Map<String, List<Delivery>> chunked = new LinkedHashMap<>();
        List<Delivery> served = new ArrayList<>();
        for (Delivery delivery : inSeqOrder) {
            String conversationId = delivery.entry().conversationId();
            Map<String, Long> conversationMembers = members.get(conversationId);
            if (conversationMembers == null) {
                failed.add(delivery.id());
            } else if (queue != null && conversationMembers.size() > chunking.chunkSize()) {
                chunked.computeIfAbsent(conversationId, c -> new ArrayList<>()).add(delivery);
            } else {
                here.put(conversationId, conversationMembers);
                served.add(delivery);
            }
        }
        chunked.forEach((conversationId, conversationDeliveries) ->
                failed.addAll(enqueue(conversationId, conversationDeliveries, members.get(conversationId))));
        failed.addAll(serve(served, here, Map.of()));
        Set<String> result = new LinkedHashSet<>();
        for (Delivery delivery : deliveries) {
            if (failed.contains(delivery.id())) {
                result.add(delivery.id());
            }
        }
        return result;
    }

    /**
     * The chunk function: serves the chunk's recipients (no member read: the chunk names them).
     * Returns the ids of the deliveries not served to every recipient; the caller has the whole
     * chunk retried (applying is idempotent, posts are at least once).
     */
    public Set<String> deliverChunk(FanoutChunk chunk) {
        Map<String, String> name = new HashMap<>();
        name.put(chunk.conversationId(), chunk.name()); // null: none, no read either
        return serve(FanoutPlan.inSeqOrder(chunk.deliveries()), Map.of(chunk.conversationId(), chunk.recipients()), name);
    }

    /**
     * Sends one conversation's chunks: the groups concurrently, each group's chunks in order.
     * Returns every delivery of the conversation when a send failed (the stream batch is retried;
     * the chunks sent already are dropped by SQS as duplicates within five minutes).
     */
    private Set<String> enqueue(String conversationId, List<Delivery> deliveries, Map<String, Long> members) {
        List<FanoutChunking.Sending> sendings = FanoutChunking.plan(conversationId, inbox.name(conversationId), deliveries,
                members, chunking.chunkSize(), chunking.groups());
        List<Future<?>> running = new ArrayList<>();
        for (FanoutChunking.Sending sending : sendings) {
            running.add(executor.submit(() -> {
                for (FanoutChunk chunk : sending.chunks()) {
                    queue.get().send(sending.groupId(), chunk.deduplicationId(), chunk.encode());
                }
            }));
        }
        boolean sent = true;
        for (Future<?> send : running) {
            sent &= awaitQuietly(send, conversationId);
        }
        int chunks = sendings.stream().mapToInt(s -> s.chunks().size()).sum();
        Telemetry.event("fanout-chunks").field("conversationId", conversationId)
                .field("firstSeq", deliveries.get(0).entry().seq())
                .field("lastSeq", deliveries.get(deliveries.size() - 1).entry().seq())
                .field("members", members.size()).field("chunks", chunks).field("outcome", sent ? "queued" : "failed")
                .metric("FanoutChunks", chunks, "Count").emit(sent ? Telemetry.Level.INFO : Telemetry.Level.WARN);
        if (sent) {
            return Set.of();
        }
        Set<String> failed = new LinkedHashSet<>();
        deliveries.forEach(delivery -> failed.add(delivery.id()));
        return failed;
    }

    /**
     * Serves the recipients of {@code membersByConversation}; returns the failed delivery ids.
     * {@code knownNames}: group names already known (a chunk carries its group's), the others read.
     */
    private Set<String> serve(List<Delivery> inSeqOrder, Map<String, Map<String, Long>> membersByConversation,
                              Map<String, String> knownNames) {
        if (inSeqOrder.isEmpty()) {
            return Set.of();
        }
        FanoutLookups.Found found = lookups.connections(inSeqOrder, membersByConversation);
        Set<String> failed = ConcurrentHashMap.newKeySet();
        failed.addAll(found.failed());
        Set<String> gone = ConcurrentHashMap.newKeySet();
        FanoutReport report = new FanoutReport(inSeqOrder);

        Map<Connection, List<FanoutPlan.Post>> plan = FanoutPlan.posts(inSeqOrder, found, found.failed(),
                delivery -> PushFrames.entry(delivery.entry()));
        // The pushes first, one task per connection (each in seq order): the entries are stored
        // already, and the push is what a recipient waits for.
        List<Future<?>> posting = new ArrayList<>(plan.size());
        plan.forEach((connection, posts) -> posting.add(executor.submit(() ->
                postInOrder(connection, posts, failed, gone, report))));

        // Meanwhile, on this thread: per conversation, its deliveries (lookups succeeded), its
        // group's name for new sync-store entries, and each member's conversations.
        Map<String, List<Delivery>> byConversation = new LinkedHashMap<>();
        for (Delivery delivery : inSeqOrder) {
            if (!found.failed().contains(delivery.id())) {
                byConversation.computeIfAbsent(delivery.entry().conversationId(), c -> new ArrayList<>()).add(delivery);
            }
        }
        Map<String, String> names = new HashMap<>();
        for (var conversations = byConversation.entrySet().iterator(); conversations.hasNext(); ) {
            var conversation = conversations.next();
            String conversationId = conversation.getKey();
            try {
                names.put(conversationId, knownNames.containsKey(conversationId)
                        ? knownNames.get(conversationId) : inbox.name(conversationId));
            } catch (RuntimeException unread) {
                // Not applied without the name a new entry starts with: failed, and applied on the retry.
                conversation.getValue().forEach(delivery -> failed.add(delivery.id()));
                conversations.remove();
            }
        }
        Map<String, Map<String, Long>> conversationsOf = new LinkedHashMap<>();
        byConversation.keySet().forEach(conversationId -> membersByConversation.get(conversationId)
                .forEach((member, joined) -> conversationsOf.computeIfAbsent(member, m -> new LinkedHashMap<>())
                        .put(conversationId, joined)));
        awaitAll(posting);
        long pushedAt = System.currentTimeMillis();

        // Then the sync store, one task per member, awaited too: an entry that could not be
        // applied fails its delivery, which is retried whole (applying is idempotent; the pushes
        // are made again and clients drop the duplicates by seq).
        List<Future<?>> applying = new ArrayList<>(conversationsOf.size());
        conversationsOf.forEach((member, joinedByConversation) -> applying.add(executor.submit(() -> {
            boolean badge = mayShowBadge(found.liveUsers().get(member));
            joinedByConversation.forEach((conversationId, joined) -> inbox.applyAll(member, joined,
                    names.get(conversationId), byConversation.get(conversationId), failed, badge));
        })));
        awaitAll(applying);
        int notified = notifyOffline(inSeqOrder, found, gone);
        report.emit(inSeqOrder, failed, notified, pushedAt);
        return failed;
    }

    private static void awaitAll(List<Future<?>> tasks) {
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("fan-out interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("fan-out task failed", e.getCause());
            }
        }
    }

    /**
     * Whether a notification can ever show the member a badge: a registered push device, or
     * devices not known. Without one the sync store does not move the member's badge counter
     * (a registration has it recounted).
     */
    private static boolean mayShowBadge(dev.parley.functions.store.LiveUser live) {
        return live == null || live.pushDevices() == null || !live.pushDevices().isEmpty();
    }

    private static boolean awaitQuietly(Future<?> task, String conversationId) {
        try {
            task.get();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            Telemetry.event("fanout-chunks").field("conversationId", conversationId).field("outcome", "not-queued")
                    .field("error", String.valueOf(e.getCause())).emit(Telemetry.Level.WARN);
            return false;
        }
    }

    /**
     * One connection's posts, in order; after a 410 the connection gets nothing more. After a
     * failed post it gets nothing more either: the later entries are failed with it and come with
     * the retry, so the connection never sees an entry before one that precedes it.
     */
    private void postInOrder(Connection connection, List<FanoutPlan.Post> posts, Set<String> failed, Set<String> gone,
                             FanoutReport report) {
        for (int i = 0; i < posts.size(); i++) {
            FanoutPlan.Post post = posts.get(i);
            try {
                Poster.Outcome outcome = poster.post(connection, post.frame(), Poster.Policy.RETRY);
                report.record(post.deliveryId(), outcome.result(), outcome.throttled());
                if (outcome.result() == Poster.Result.GONE) {
                    gone.add(connection.connectionId());
                    return;
                }
                if (Telemetry.enabled(Telemetry.Level.DEBUG)) {
                    Telemetry.event("push").field("connectionId", connection.connectionId())
                            .field("userId", connection.userId()).field("deliveryId", post.deliveryId())
                            .emit(Telemetry.Level.DEBUG);
                }
            } catch (Poster.PostFailedException postFailed) {
                report.record(post.deliveryId(), Poster.Result.FAILED, postFailed.throttled());
                posts.subList(i, posts.size()).forEach(unsent -> failed.add(unsent.deliveryId()));
                return;
            }
        }
    }

    /**
     * Offline notifications for the messages served, after every push was made: one notice per
     * message naming the recipients with a registered device that is not online, queued (or
     * delivered inline without a queue). Best effort.
     */
    private int notifyOffline(List<Delivery> deliveries, FanoutLookups.Found found, Set<String> gone) {
        Map<String, List<Connection>> live = new HashMap<>();
        found.liveUsers().forEach((user, liveUser) -> live.put(user, liveUser.connections().stream()
                .filter(connection -> !gone.contains(connection.connectionId())).toList()));
        List<Message> messages = new ArrayList<>();
        Map<String, List<String>> recipients = new HashMap<>();
        for (Delivery delivery : deliveries) {
            Map<String, Long> members = found.membersByConversation().get(delivery.entry().conversationId());
            if (delivery.entry() instanceof Message message && !message.isEvent() && members != null) {
                // Only recipients with a registered device that is not online (or devices not known):
                // the others need no notice, and the notification function reads no device for them.
                List<String> due = FanoutPlan.recipients(members, message.seq()).stream().filter(found::mayNotify).toList();
                if (!due.isEmpty()) {
                    messages.add(message);
                    recipients.put(NotificationService.key(message), due);
                }
            }
        }
        return notifications.afterBatch(messages, recipients, live);
    }
}
