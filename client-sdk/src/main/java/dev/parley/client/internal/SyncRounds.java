package dev.parley.client.internal;

import dev.parley.client.ConversationSummary;
import dev.parley.client.ErrorCode;
import dev.parley.client.MessageListener;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Catching up with {@code sync}: a round on every open, when the {@link Sequencer} misses a seq,
 * and every resync interval; page after page while a conversation has more. A round is over when
 * a reply needs no follow-up; then the application hears the conversations and, after an open,
 * the connection counts as caught up. One sync is in flight at a time. On the loop thread.
 */
final class SyncRounds {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");

    private final Connection connection;
    private final Loop loop;
    private final MessageListener listener;
    private final Sequencer sequencer;
    private final Delivery delivery;
    private final MembershipProbe probe;
    private final Runnable pump;
    private final int pageSize;
    private final long timeout;
    private final long resyncInterval;

    private record Call(String requestId, Map<String, Long> cursors, boolean emptyCursors, long sentAt) {}

    private Call current;
    /** Every sync sent on this connection and not answered: a late answer is still applied. */
    private final Map<String, Call> unanswered = new HashMap<>();
    private boolean wanted;
    private long notBefore;
    private long lastSyncAt;
    private int unreadableInARow;

    SyncRounds(ClientConfig config, Connection connection, Loop loop, Sequencer sequencer, Delivery delivery,
               MembershipProbe probe, Runnable pump) {
        this.connection = connection;
        this.loop = loop;
        this.listener = config.listener();
        this.sequencer = sequencer;
        this.delivery = delivery;
        this.probe = probe;
        this.pump = pump;
        this.pageSize = config.syncPageSize();
        this.timeout = config.requestTimeout().toMillis();
        this.resyncInterval = config.resyncInterval().toMillis();
    }

    /** A connection opened: catch up at once. */
    void connectionOpened() {
        wanted = true;
        notBefore = 0;
    }

    void connectionLost() {
        current = null;
        unanswered.clear();
    }

    /** The resync interval, and a sync whose answer is overdue (asked again). */
    void tick(long now) {
        if (resyncInterval > 0 && current == null && now - lastSyncAt >= resyncInterval) {
            wanted = true;
        }
        if (current != null && now - current.sentAt() >= timeout) {
            LOG.log(System.Logger.Level.DEBUG, "sync {0} unanswered; asking again", current.requestId());
            current = null; // a late answer is still applied (unanswered keeps it)
            wanted = true;
        }
    }

    /** Sends a sync if one is wanted or the sequencer misses a seq. Needs an open connection. */
    void pump(long now) {
        if (current != null || probe.probing() || now < notBefore) {
            return;
        }
        Set<String> due = sequencer.dueForSync(now);
        if (!wanted && due.isEmpty()) {
            return;
        }
        sequencer.syncStarted(due, now);
        wanted = false;
        Map<String, Long> cursors = sequencer.syncCursors();
        Call call = new Call(connection.nextId("sync"), Map.copyOf(cursors), cursors.isEmpty(), now);
        current = call;
        lastSyncAt = now;
        unanswered.put(call.requestId(), call);
        connection.write(Wire.sync(call.requestId(), cursors, pageSize));
    }

    void onSynced(ServerFrame.Synced frame, long now) {
        Call call = unanswered.remove(frame.requestId());
        if (call == null) {
            return;
        }
        if (call == current) {
            current = null;
        }
        unreadableInARow = 0;
        boolean more = false;
        List<ConversationSummary> summaries = new ArrayList<>();
        for (ServerFrame.ConversationSync conversation : frame.conversations()) {
            String id = conversation.conversationId();
            summaries.add(Wire.summary(conversation));
            boolean known = sequencer.cursor(id).isPresent();
            // Not in the request's cursors: the server answered from the start, i.e. from cursor 0.
            Long from = call.emptyCursors() ? null : call.cursors().getOrDefault(id, 0L);
            // docs/protocol.md: a forward page without more covers up to lastSeq (trailing gaps).
            long coveredUpTo = call.emptyCursors() || conversation.hasMore() ? 0 : conversation.lastSeq();
            Progress progress = sequencer.page(id, from, Wire.messages(conversation.messages()), coveredUpTo, now);
            delivery.deliver(progress);
            if (call.emptyCursors()) {
                // The newest page may stop short of lastSeq (a send in flight): one round from the cursors.
                more |= sequencer.cursor(id).orElse(0) < conversation.lastSeq();
            } else if (conversation.hasMore()) {
                // A page may hold fewer messages than the limit (the server cuts pages by size):
                // hasMore alone says whether to ask again, from the cursor the page moved.
                if (progress.advanced() || !known) {
                    more = true;
                } else {
                    sequencer.stalled(id, now); // a young hole: retried on the gap timer, not at once
                }
            } else {
                sequencer.settled(id);
            }
        }
        if (!call.emptyCursors()) {
            // docs/protocol.md: a cursor of a conversation the user is no longer a member of is left
            // out of the reply. Stop asking for it (its cursor is kept, see Sequencer#exclude).
            Set<String> answered = new HashSet<>();
            frame.conversations().forEach(c -> answered.add(c.conversationId()));
            call.cursors().keySet().stream().filter(id -> !answered.contains(id)).forEach(sequencer::exclude);
        }
        if (!sequencer.initialized()) {
            sequencer.initialSyncDone(now).forEach(delivery::deliver);
        }
        if (more) {
            wanted = true;
        } else if (current == null) {
            long total = frame.totalUnread();
            loop.callback(() -> listener.onConversations(List.copyOf(summaries), total));
            connection.caughtUp();
        }
    }

    /**
     * The reply to a sync could not be read (it was reported). Asking again at once would get the
     * same reply, so the round ends here: the connection counts as caught up (connect() completes
     * and live pushes of conversations with a known cursor are delivered), and the sync is tried
     * again after a delay that doubles, from 1 s up to 5 minutes. False if {@code requestId} is
     * not a sync.
     */
    boolean onUnreadable(String requestId, long now) {
        if (end(requestId) == null) {
            return false;
        }
        notBefore = now + Math.min(300_000, 1_000L << Math.min(unreadableInARow++, 9));
        connection.caughtUp();
        return true;
    }

    /**
     * Ends the round a sync request belonged to without an answer, so that another is wanted; null
     * if {@code requestId} is not an unanswered sync.
     */
    private Call end(String requestId) {
        Call call = unanswered.remove(requestId);
        if (call == null) {
            return null;
        }
        if (call == current) {
            current = null;
        }
        wanted = true;
        return call;
    }

    /** An error answering a sync; false if {@code requestId} is not one. */
    boolean onError(String requestId, ErrorCode code, String rawCode, String message, long retryAfterMs, long now) {
        Call call = end(requestId);
        if (call == null) {
            return false;
        }
        switch (code) {
            case RATE_LIMITED -> notBefore = now + Math.max(100, retryAfterMs);
            case NOT_MEMBER, NOT_FOUND -> probe.probe(call.cursors().keySet(), () -> {
                wanted = true;
                pump.run();
            });
            default -> {
                LOG.log(System.Logger.Level.WARNING, "sync refused: {0} {1}", rawCode, message);
                notBefore = now + Math.min(timeout, 1_000);
            }
        }
        return true;
    }
}
