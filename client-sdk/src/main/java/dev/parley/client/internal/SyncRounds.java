package dev.parley.client.internal;

import dev.parley.client.ConversationSummary;
import dev.parley.client.CursorStore;
import dev.parley.client.ErrorCode;
import dev.parley.client.MessageListener;
import dev.parley.model.protocol.ServerFrame;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Catching up with the v2 {@code sync} (docs/protocol.md, "sync with one cursor per device"):
 * the device keeps one position in the user's change log, {@code since}, and a round asks for the
 * conversations that changed after it, page after page while the reply says {@code hasMore}, so a
 * round costs what changed, not what exists. Each listed conversation is handed to the
 * {@link Sequencer} (its state; on the round after an open also its newest page) and, when it
 * lacks messages, to {@link ConversationFetches}; one the user left ({@code left: true}) is
 * dropped. A round is over when its last page is in and every fetch has ended: then the position
 * moves, the application hears the conversations, and after an open the connection counts as
 * caught up.
 *
 * <p>A round runs on every open, every resync interval, and again after a reply that could not be
 * read. One sync is in flight at a time. On the loop thread.
 */
final class SyncRounds {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");
    /** Conversations per reply: the protocol's default (at most 200). */
    static final int CONVERSATIONS_PER_PAGE = 100;

    private final Connection connection;
    private final Loop loop;
    private final MessageListener listener;
    private final CursorStore store;
    private final Sequencer sequencer;
    private final Delivery delivery;
    private final ConversationFetches fetches;
    private final int pageSize;
    private final long timeout;
    private final long resyncInterval;

    private record Call(String requestId, String since, boolean withMessages, long sentAt) {}

    /** Every change up to here is held: where the next round starts. */
    private String since;
    /** Within a round: the continuation of its next page (null before the first). */
    private String next;
    /** The cursor of a round's last page while the round's fetches still run; null otherwise. */
    private String ending;
    /** Whether the round asks for each conversation's newest messages (after an open) or states only. */
    private boolean withMessages;
    /** A connection opened since the current round started: the next round asks for messages. */
    private boolean opened;
    /** The conversations as the syncs of this client described them, in the order they were listed. */
    private final Map<String, ConversationSummary> summaries = new LinkedHashMap<>();

    private Call current;
    /** Every sync sent on this connection and not answered: a late answer is still applied. */
    private final Map<String, Call> unanswered = new HashMap<>();
    private boolean wanted;
    private long notBefore;
    private long lastSyncAt;
    private int unreadableInARow;

    SyncRounds(ClientConfig config, Connection connection, Loop loop, Sequencer sequencer, Delivery delivery,
               ConversationFetches fetches) {
        this.connection = connection;
        this.loop = loop;
        this.listener = config.listener();
        this.store = config.cursorStore();
        this.sequencer = sequencer;
        this.delivery = delivery;
        this.fetches = fetches;
        this.pageSize = Math.min(config.syncPageSize(), ConversationFetches.MAX_LIMIT);
        this.timeout = config.requestTimeout().toMillis();
        this.resyncInterval = config.resyncInterval().toMillis();
        this.since = java.util.Objects.requireNonNullElse(store.loadSyncPosition(), "");
    }

    /** The device's position in the change log: {@code ""} until a first round completed. */
    String since() {
        return since;
    }

    /**
     * A connection opened: catch up at once. The round asks for each changed conversation's
     * newest messages: after time offline most of them lack some, and one reply brings them.
     */
    void connectionOpened() {
        wanted = true;
        opened = true;
        notBefore = 0;
    }

    /** A round cut by the disconnection starts over from {@code since} on the next connection. */
    void connectionLost() {
        current = null;
        unanswered.clear();
        next = null;
    }

    /** The resync interval, and a sync whose answer is overdue (asked again). */
    void tick(long now) {
        if (resyncInterval > 0 && current == null && next == null && ending == null
                && now - lastSyncAt >= resyncInterval) {
            wanted = true;
        }
        if (current != null && now - current.sentAt() >= timeout) {
            LOG.log(System.Logger.Level.DEBUG, "sync {0} unanswered; asking again", current.requestId());
            current = null; // a late answer is still applied (unanswered keeps it)
            wanted = true;
        }
    }

    /** Sends the round's next sync if one is wanted. Needs an open connection. */
    void pump(long now) {
        if (!wanted || current != null || ending != null || now < notBefore) {
            return;
        }
        wanted = false;
        if (next == null) {
            withMessages = opened; // a round's pages all ask alike
            opened = false;
        }
        String from = next != null ? next : since;
        Call call = new Call(connection.nextId("sync"), from, withMessages, now);
        current = call;
        lastSyncAt = now;
        unanswered.put(call.requestId(), call);
        connection.write(Wire.sync(call.requestId(), from, withMessages ? pageSize : 0, CONVERSATIONS_PER_PAGE));
    }

    void onSynced(ServerFrame.SyncedChanges frame, long now) {
        Call call = unanswered.remove(frame.requestId());
        if (call == null) {
            return;
        }
        if (call == current) {
            current = null;
        }
        unreadableInARow = 0;
        for (ServerFrame.ChangedConversation conversation : frame.conversations()) {
            apply(conversation, call.withMessages(), now);
        }
        if (!call.since().equals(next != null ? next : since) || ending != null) {
            return; // the late answer of a page asked again since: its states are applied, its cursor is not ours
        }
        if (frame.hasMore()) {
            next = frame.cursor();
            wanted = true;
            return;
        }
        next = null;
        ending = frame.cursor();
        if (!sequencer.initialized()) {
            sequencer.initialSyncDone(now).forEach(delivery::deliver);
        }
        fetchesEnded();
    }

    private void apply(ServerFrame.ChangedConversation conversation, boolean withMessages, long now) {
        String id = conversation.state().conversationId();
        if (conversation.state().left()) {
            summaries.remove(id);
            sequencer.exclude(id);
            fetches.cancel(id);
            return;
        }
        summaries.put(id, Wire.summary(conversation.state()));
        delivery.deliver(sequencer.listed(id, conversation.state().lastSeq(), now));
        if (withMessages) {
            delivery.deliver(sequencer.olderPage(id, null, Wire.messages(conversation.messages()),
                    conversation.hasMore(), now));
        }
        fetches.fetchIfLacking(id);
    }

    /**
     * Every fetch has ended: if a round's last page is in, the round is over. The position is
     * saved (after the deliveries before it, on the listener thread) only when every conversation
     * holds what it was listed with: a conversation still waiting for a seq keeps the saved
     * position where it was, so that a restart lists it again.
     */
    void fetchesEnded() {
        if (ending == null || !fetches.idle()) {
            return;
        }
        since = ending;
        ending = null;
        String position = since;
        boolean complete = sequencer.caughtUp();
        List<ConversationSummary> list = List.copyOf(summaries.values());
        long total = list.stream().mapToLong(ConversationSummary::unread).sum();
        loop.callback(() -> {
            if (complete) {
                store.saveSyncPosition(position);
            }
            listener.onConversations(list, total);
        });
        connection.caughtUp();
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
            case BAD_REQUEST -> {
                // A position this server did not give out (another deployment, a store mixed up):
                // start over with a full listing, which the held cursors make cheap to apply.
                LOG.log(System.Logger.Level.WARNING, "sync position refused ({0}); listing every conversation", message);
                since = "";
                next = null;
                opened |= call.withMessages(); // the same round, started over
                notBefore = now + Math.min(timeout, 1_000);
            }
            default -> {
                LOG.log(System.Logger.Level.WARNING, "sync refused: {0} {1}", rawCode, message);
                notBefore = now + Math.min(timeout, 1_000);
            }
        }
        return true;
    }
}
