package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Four steps, each its own class: the {@link FanoutLookups lookups} (members, connections),
 * the {@link FanoutPlan plan} (who gets what, in which order), the {@link Poster poster} (with
 * its retry policy, concurrently across connections and in order within one), and the
 * {@link FanoutReport report}. Before posting, the {@link InboxWriter} applies each entry to the
 * members' sync-store entries. Offline notifications follow, best effort. Every post is awaited
 * before {@link #deliver} returns.
 */
public final class FanoutService {

    /** One stream record to deliver. {@code id} identifies it in the batch-failure report. */
    public record Delivery(String id, TimelineEntry entry, String originConnectionId) {}

    private final FanoutLookups lookups;
    private final Poster poster;
    private final ExecutorService executor;
    private final NotificationService notifications;
    private final InboxWriter inbox;

    public FanoutService(ConversationAccess access, ConnectionStore connections, Poster poster,
                         ExecutorService executor, NotificationService notifications, InboxWriter inbox) {
        this.lookups = new FanoutLookups(access, connections, executor);
        this.poster = poster;
        this.executor = executor;
        this.notifications = notifications;
        this.inbox = inbox;
    }

    /** Delivers the batch and returns the ids of the deliveries that must be retried. */
    public Set<String> deliver(List<Delivery> deliveries) {
        List<Delivery> inSeqOrder = FanoutPlan.inSeqOrder(deliveries);
        FanoutLookups.Found found = lookups.lookUp(inSeqOrder);
        Set<String> failed = ConcurrentHashMap.newKeySet();
        failed.addAll(found.failed());
        Set<String> gone = ConcurrentHashMap.newKeySet();
        FanoutReport report = new FanoutReport(deliveries);
        // The sync store first, so that a device syncing on the push finds the conversation moved;
        // an entry that could not be applied fails its delivery (retried; applying is idempotent).
        failed.addAll(inbox.apply(inSeqOrder, found.membersByConversation(), found.failed()));

        Map<Connection, List<FanoutPlan.Post>> plan = FanoutPlan.posts(inSeqOrder, found, found.failed(),
                delivery -> PushFrames.entry(delivery.entry()));
        List<Future<?>> running = new ArrayList<>(plan.size());
        plan.forEach((connection, posts) ->
                running.add(executor.submit(() -> postInOrder(connection, posts, failed, gone, report))));
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
        int notified = notifyOffline(inSeqOrder, found, gone);
        report.emit(inSeqOrder, failed, notified);
        Set<String> result = new LinkedHashSet<>();
        for (Delivery delivery : deliveries) {
            if (failed.contains(delivery.id())) {
                result.add(delivery.id());
            }
        }
        return result;
    }

    /** One connection's posts, in order; after a 410 the connection gets nothing more. */
    private void postInOrder(Connection connection, List<FanoutPlan.Post> posts, Set<String> failed, Set<String> gone,
                             FanoutReport report) {
        for (FanoutPlan.Post post : posts) {
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
                failed.add(post.deliveryId());
            }
        }
    }

    /**
     * Offline notifications for the messages of the batch, after every push was made: one notice
     * per message, queued (or delivered inline without a queue). Best effort.
     */
    private int notifyOffline(List<Delivery> deliveries, FanoutLookups.Found found, Set<String> gone) {
        Map<String, List<Connection>> live = new HashMap<>();
        found.connectionsByUser().forEach((user, all) -> live.put(user,
                all.stream().filter(connection -> !gone.contains(connection.connectionId())).toList()));
        List<Message> messages = new ArrayList<>();
        Map<String, List<String>> recipients = new HashMap<>();
        for (Delivery delivery : deliveries) {
            Map<String, Long> members = found.membersByConversation().get(delivery.entry().conversationId());
            if (delivery.entry() instanceof Message message && !message.isEvent() && members != null) {
                messages.add(message);
                recipients.put(NotificationService.key(message), FanoutPlan.recipients(members, message.seq()));
            }
        }
        return notifications.afterBatch(messages, recipients, live);
    }
}
