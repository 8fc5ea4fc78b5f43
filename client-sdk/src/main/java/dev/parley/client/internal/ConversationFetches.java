package dev.parley.client.internal;

import dev.parley.client.ErrorCode;
import dev.parley.client.HistoryPage;
import dev.parley.client.ServerErrorException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches what one conversation lacks, by itself: after a sync listed it with a {@code lastSeq}
 * above what the device holds, and when the {@link Sequencer} misses a seq (a gap never needs a
 * whole-user round). Backwards with {@code history}, one page at a time: the newest page, then
 * pages below the buffer's lowest message down to the cursor (see {@link Sequencer#olderPage}),
 * so a fetch costs what is missing. One fetch per conversation at a time. On the loop thread.
 */
final class ConversationFetches {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");
    /** docs/protocol.md: {@code history} answers at most 200 messages. */
    static final int MAX_LIMIT = 200;

    private final Loop loop;
    private final HistoryRequests history;
    private final Sequencer sequencer;
    private final Delivery delivery;
    private final int pageSize;
    private Runnable pump = () -> {};
    private Runnable idle = () -> {};
    /** Conversations being fetched, with the listed lastSeq each fetch answers. */
    private final Map<String, Long> running = new HashMap<>();

    ConversationFetches(Loop loop, HistoryRequests history, Sequencer sequencer, Delivery delivery, int pageSize) {
        this.loop = loop;
        this.history = history;
        this.sequencer = sequencer;
        this.delivery = delivery;
        this.pageSize = Math.min(pageSize, MAX_LIMIT);
    }

    /** {@code pump} writes what is due; {@code idle} runs when the last running fetch ends. */
    void callbacks(Runnable pump, Runnable idle) {
        this.pump = pump;
        this.idle = idle;
    }

    boolean idle() {
        return running.isEmpty();
    }

    /** Fetches the conversation if it lacks something and is not being fetched. The caller pumps. */
    void fetchIfLacking(String conversationId) {
        if (!running.containsKey(conversationId) && sequencer.lacks(conversationId)) {
            running.put(conversationId, sequencer.target(conversationId));
            next(conversationId);
        }
    }

    /** The gap timer: conversations missing a seq long enough are fetched. Needs an open connection. */
    void pump(long now) {
        for (String id : sequencer.dueForFetch(now)) {
            if (!running.containsKey(id)) {
                sequencer.fetchStarted(id, now);
                running.put(id, sequencer.target(id));
                next(id);
            }
        }
    }

    /** The user left the conversation: a page still on its way is dropped. */
    void cancel(String conversationId) {
        if (running.remove(conversationId) != null && running.isEmpty()) {
            idle.run();
        }
    }

    private void next(String conversationId) {
        Long anchor = sequencer.anchor(conversationId);
        int limit = anchor == null ? pageSize
                : (int) Math.min(MAX_LIMIT, anchor - sequencer.cursor(conversationId).orElse(0));
        CompletableFuture<HistoryPage> page = new CompletableFuture<>();
        history.requestPage(conversationId, anchor == null ? null : anchor + 1, limit, page);
        page.whenComplete((answer, error) -> loop.execute(() -> onPage(conversationId, anchor, answer, error)));
    }

    private void onPage(String conversationId, Long anchor, HistoryPage page, Throwable error) {
        Long target = running.get(conversationId);
        if (target == null) {
            return;
        }
        if (error != null) {
            if (error instanceof ServerErrorException refused
                    && (refused.code() == ErrorCode.NOT_MEMBER || refused.code() == ErrorCode.NOT_FOUND)) {
                LOG.log(System.Logger.Level.INFO, "no longer a member of {0}", conversationId);
                sequencer.exclude(conversationId);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "fetching {0} failed: {1}", conversationId, error.toString());
            }
            end(conversationId, target);
            return;
        }
        long cursorBefore = sequencer.cursor(conversationId).orElse(Sequencer.UNKNOWN);
        Long anchorBefore = anchor;
        delivery.deliver(sequencer.olderPage(conversationId, anchor, page.messages(), page.hasMore(), loop.now()));
        boolean moved = sequencer.cursor(conversationId).orElse(Sequencer.UNKNOWN) > cursorBefore
                || !java.util.Objects.equals(sequencer.anchor(conversationId), anchorBefore);
        if (moved && sequencer.lacks(conversationId) && sequencer.anchor(conversationId) != null) {
            next(conversationId); // a page below the buffer, overlapping it by one message
            pump.run();
        } else {
            if (!moved && sequencer.buffered(conversationId) > 0) {
                sequencer.stalled(conversationId, loop.now()); // nothing learnt: the gap timer asks again
            }
            end(conversationId, target);
        }
    }

    private void end(String conversationId, long target) {
        running.remove(conversationId);
        sequencer.fetched(conversationId, target);
        if (running.isEmpty()) {
            idle.run();
        }
    }
}
