package dev.parley.client.internal;

import dev.parley.client.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns what arrives (pushes, own confirmed sends, gap frames, sync pages), in any order and any
 * number of times, into each conversation's messages exactly once and in seq order.
 *
 * <p>Per conversation it keeps the cursor (the last seq consumed: delivered, or known to hold no
 * message) and a buffer of what arrived above {@code cursor + 1}. Whatever reaches
 * {@code cursor + 1} is consumed in order; seqs at or below the cursor are duplicates and dropped.
 * A seq is known to hold no message from a {@code gap} frame, or from a sync page: by
 * docs/protocol.md pages never span a hole, so every seq a page leaves out between the cursor it
 * was asked for and its last message is a declared gap.
 *
 * <p>When something stays missing in front of the buffer for {@code gapWait} (doubling on each
 * unsuccessful sync, up to {@code maxGapWait}), or the buffer outgrows {@code maxBuffered}, the
 * conversation is reported by {@link #dueForSync} so the client asks the server.
 *
 * <p>A new device (no cursors at all) learns each conversation's starting point from its first
 * sync, which answers the newest page: the page's first seq, less one, becomes the cursor, and
 * older messages are for {@code history}. After that first sync, a conversation that shows up
 * for the first time starts at seq 1, as the server's sync does for conversations not in the
 * cursors.
 *
 * <p>Pure and single-threaded: time is passed in, nothing is scheduled.
 */
public final class Sequencer {
    static final long UNKNOWN = -1;

    private final Map<String, Conversation> conversations = new HashMap<>();
    private final long gapWait;
    private final long maxGapWait;
    private final int maxBuffered;
    private boolean initialized;

    private static final class Conversation {
        final String id;
        long cursor = UNKNOWN;
        /** Above cursor + 1: a message, or null for a seq known to hold none. */
        final TreeMap<Long, Message> buffer = new TreeMap<>();
        long waitingSince = -1;
        int syncs;
        boolean stalled;
        boolean excluded;

        Conversation(String id) {
            this.id = id;
        }
    }

    /**
     * @param cursors     saved cursors; empty for a new device
     * @param gapWait     how long a missing seq is waited for before a sync
     * @param maxGapWait  the longest wait between syncs for the same missing seq
     * @param maxBuffered a buffer this large asks for a sync at once
     */
    public Sequencer(Map<String, Long> cursors, Duration gapWait, Duration maxGapWait, int maxBuffered) {
        this.gapWait = gapWait.toMillis();
        this.maxGapWait = Math.max(this.gapWait, maxGapWait.toMillis());
        this.maxBuffered = maxBuffered;
        cursors.forEach((id, seq) -> conversation(id).cursor = seq);
        this.initialized = !cursors.isEmpty();
    }

    /** Whether the starting points are known: saved cursors, or the first sync has completed. */
    public boolean initialized() {
        return initialized;
    }

    /** A message pushed, returned by the server for an own send, or otherwise learnt of. */
    public Progress offer(Message message, long now) {
        Conversation c = conversation(message.conversationId());
        c.excluded = false;
        long before = c.cursor;
        startIfInitialized(c);
        if (c.cursor != UNKNOWN && message.seq() <= c.cursor) {
            return new Progress(c.id, before, c.cursor, List.of());
        }
        c.buffer.put(message.seq(), message); // a message wins over a gap claim for its seq: nothing lost
        return drain(c, before, new ArrayList<>(), now);
    }

    /** A {@code gap} frame: {@code seq} holds no message and never will. */
    public Progress gap(String conversationId, long seq, long now) {
        Conversation c = conversation(conversationId);
        long before = c.cursor;
        startIfInitialized(c);
        if (c.cursor != UNKNOWN && seq <= c.cursor) {
            return new Progress(c.id, before, c.cursor, List.of());
        }
        c.buffer.putIfAbsent(seq, null);
        return drain(c, before, new ArrayList<>(), now);
    }

    /** A sync page that covers up to its last message. */
    public Progress page(String conversationId, Long fromCursor, List<Message> messages, long now) {
        return page(conversationId, fromCursor, messages, 0, now);
    }

    /**
     * A sync page.
     *
     * @param fromCursor  the cursor the page was asked from (0 for a conversation that was not in
     *                    the request's cursors), or null for the newest page a new device gets
     * @param messages    ascending by seq
     * @param coveredUpTo a seq up to which the page is known to cover the timeline even beyond its
     *                    last message (docs/protocol.md: a forward page with {@code hasMore: false}
     *                    covers up to {@code lastSeq}); ignored for a newest page
     */
    public Progress page(String conversationId, Long fromCursor, List<Message> messages, long coveredUpTo, long now) {
        Conversation c = conversation(conversationId);
        c.excluded = false;
        long before = c.cursor;
        List<Message> delivered = new ArrayList<>();
        if (fromCursor == null) {
            if (c.cursor == UNKNOWN) {
                c.cursor = messages.isEmpty() ? 0 : messages.get(0).seq() - 1;
            }
            if (!messages.isEmpty() && messages.get(0).seq() <= c.cursor + 1) {
                consumeCovered(c, messages, delivered);
            } else {
                // Not contiguous with what we hold: the seqs between are unknown. Keep the messages;
                // the missing ones make the conversation due for a sync from the cursor.
                messages.forEach(m -> { if (m.seq() > c.cursor) c.buffer.put(m.seq(), m); });
            }
        } else {
            if (c.cursor == UNKNOWN) {
                c.cursor = fromCursor;
            }
            if (fromCursor <= c.cursor) {
                consumeCovered(c, messages, delivered);
                consumeThrough(c, coveredUpTo, delivered);
            } else {
                // Asked from above our cursor: cannot happen when cursors only grow; be safe.
                messages.forEach(m -> { if (m.seq() > c.cursor) c.buffer.put(m.seq(), m); });
            }
        }
        return drain(c, before, delivered, now);
    }

    /**
     * The first sync of a new device completed: conversations seen only through pushes so far
     * are new since, and start at seq 1.
     */
    public List<Progress> initialSyncDone(long now) {
        initialized = true;
        List<Progress> progress = new ArrayList<>();
        for (Conversation c : conversations.values()) {
            if (c.cursor == UNKNOWN) {
                c.cursor = 0;
                progress.add(drain(c, UNKNOWN, new ArrayList<>(), now));
            }
        }
        return progress;
    }

    /** The cursors to sync from: every conversation with a known start, except excluded ones. */
    public Map<String, Long> syncCursors() {
        Map<String, Long> cursors = new HashMap<>();
        conversations.values().stream().filter(c -> c.cursor != UNKNOWN && !c.excluded)
                .forEach(c -> cursors.put(c.id, c.cursor));
        return cursors;
    }

    public OptionalLong cursor(String conversationId) {
        Conversation c = conversations.get(conversationId);
        return c == null || c.cursor == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(c.cursor);
    }

    public int buffered(String conversationId) {
        Conversation c = conversations.get(conversationId);
        return c == null ? 0 : c.buffer.size();
    }

    /** Conversations missing something long enough (or buffering too much) to ask the server. */
    public Set<String> dueForSync(long now) {
        Set<String> due = new LinkedHashSet<>();
        for (Conversation c : conversations.values()) {
            if (c.excluded || c.cursor == UNKNOWN || c.waitingSince < 0 || (c.buffer.isEmpty() && !c.stalled)) {
                continue;
            }
            long wait = Math.min(maxGapWait, gapWait << Math.min(c.syncs, 20));
            if ((c.syncs == 0 && c.buffer.size() > maxBuffered) || now - c.waitingSince >= wait) {
                due.add(c.id);
            }
        }
        return due;
    }

    /** A sync was sent because of {@code due}: wait longer before asking again for the same seq. */
    public void syncStarted(Set<String> due, long now) {
        for (String id : due) {
            Conversation c = conversations.get(id);
            if (c != null) {
                c.syncs++;
                c.waitingSince = now;
            }
        }
    }

    /** The server said more follows the cursor but could not page on (a send in flight): ask again later. */
    public void stalled(String conversationId, long now) {
        Conversation c = conversation(conversationId);
        c.stalled = true;
        if (c.waitingSince < 0) {
            c.waitingSince = now;
        }
    }

    /** The server said nothing follows the page. */
    public void settled(String conversationId) {
        Conversation c = conversations.get(conversationId);
        if (c != null) {
            c.stalled = false;
            if (c.buffer.isEmpty()) {
                c.waitingSince = -1;
                c.syncs = 0;
            }
        }
    }

    /**
     * The user is no longer a member: leave the conversation out of sync cursors. Its cursor is
     * kept, so messages already delivered are not delivered again if the user is added back.
     */
    public void exclude(String conversationId) {
        Conversation c = conversation(conversationId);
        c.excluded = true;
        c.buffer.clear();
        c.stalled = false;
        c.waitingSince = -1;
    }

    private Conversation conversation(String id) {
        return conversations.computeIfAbsent(id, Conversation::new);
    }

    private void startIfInitialized(Conversation c) {
        if (c.cursor == UNKNOWN && initialized) {
            c.cursor = 0;
        }
    }

    /**
     * The page covers (cursor, last message] contiguously: consume it all. Buffered entries the
     * page skips were declared gaps; a buffered message there contradicts the page and is
     * delivered anyway, since losing it would be worse than trusting the page.
     */
    private static void consumeCovered(Conversation c, List<Message> messages, List<Message> delivered) {
        for (Message m : messages) {
            if (m.seq() <= c.cursor) {
                continue;
            }
            while (!c.buffer.isEmpty() && c.buffer.firstKey() < m.seq()) {
                Message buffered = c.buffer.pollFirstEntry().getValue();
                if (buffered != null) {
                    delivered.add(buffered);
                }
            }
            c.buffer.remove(m.seq());
            delivered.add(m);
            c.cursor = m.seq();
        }
    }

    /** Every seq up to {@code seq} is known: what is buffered up to there is delivered, the rest were gaps. */
    private static void consumeThrough(Conversation c, long seq, List<Message> delivered) {
        while (!c.buffer.isEmpty() && c.buffer.firstKey() <= seq) {
            var entry = c.buffer.pollFirstEntry();
            if (entry.getKey() > c.cursor && entry.getValue() != null) {
                delivered.add(entry.getValue());
            }
        }
        c.cursor = Math.max(c.cursor, seq);
    }

    private Progress drain(Conversation c, long before, List<Message> delivered, long now) {
        if (c.cursor == UNKNOWN) {
            return Progress.none(c.id, UNKNOWN);
        }
        while (!c.buffer.isEmpty() && c.buffer.firstKey() <= c.cursor + 1) {
            var entry = c.buffer.pollFirstEntry();
            if (entry.getKey() <= c.cursor) {
                continue;
            }
            if (entry.getValue() != null) {
                delivered.add(entry.getValue());
            }
            c.cursor = entry.getKey();
        }
        boolean advanced = c.cursor > before;
        if (advanced) {
            c.stalled = false;
            c.syncs = 0;
        }
        if (c.buffer.isEmpty() && !c.stalled) {
            c.waitingSince = -1;
            c.syncs = 0;
        } else if (advanced || c.waitingSince < 0) {
            c.waitingSince = now;
        }
        return new Progress(c.id, before, c.cursor, delivered);
    }
}
