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
 * Turns what arrives (pushes, own confirmed sends, gap frames, pages of a conversation's newest
 * messages and of older ones), in any order and any number of times, into each conversation's
 * messages exactly once and in seq order.
 *
 * <p>Per conversation it keeps the cursor (the last seq consumed: delivered, or known to hold no
 * message) and a buffer of what arrived above {@code cursor + 1}. Whatever reaches
 * {@code cursor + 1} is consumed in order; seqs at or below the cursor are duplicates and dropped.
 * A seq is known to hold no message from a {@code gap} frame, or from a page: by
 * docs/protocol.md pages never span a hole, so every seq a page leaves out between its first and
 * last message is a declared gap, and a page that says no older message exists declares every
 * seq below its first one.
 *
 * <p>What a conversation lacks is fetched backwards, newest first ({@link #olderPage}): a page
 * that does not reach down to the cursor is kept in the buffer (its left-out seqs as gaps), and
 * the next page is asked for below it, overlapping it by its lowest message, the
 * <em>anchor</em> ({@link #anchor}). The overlap is what makes the two pages contiguous: a
 * history page reaching up to its anchor spans no hole, so nothing between the two pages is
 * left unknown; one that stops short of it was cut below a young hole and is kept without
 * declaring anything (the conversation waits and asks again).
 *
 * <p>When something stays missing in front of the buffer for {@code gapWait} (doubling on each
 * unsuccessful fetch, up to {@code maxGapWait}), or the buffer outgrows {@code maxBuffered}, the
 * conversation is reported by {@link #dueForFetch} so the client asks the server for it.
 *
 * <p>A new device (no cursors at all) learns each conversation's starting point from its first
 * sync, which answers the newest page: the page's first seq, less one, becomes the cursor, and
 * older messages are for {@code history}. After that first sync, a conversation that shows up
 * for the first time starts at seq 0: everything the user can see of it is delivered.
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
        /** Listed by the first sync of a new device: starts at its newest page, not at seq 0. */
        boolean fromNewest;
        /** The newest lastSeq a sync listed for it, and the newest one a completed fetch answered. */
        long target;
        long answered;

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

    /**
     * A sync listed the conversation (the user is a member) with {@code lastSeq} its newest seq. A
     * conversation new to an initialized device starts at seq 0; on a new device's first sync it
     * starts at its newest page.
     */
    public Progress listed(String conversationId, long lastSeq, long now) {
        Conversation c = conversation(conversationId);
        c.excluded = false;
        c.target = Math.max(c.target, lastSeq);
        long before = c.cursor;
        if (c.cursor == UNKNOWN && !initialized) {
            c.fromNewest = true;
        }
        startIfInitialized(c);
        return drain(c, before, new ArrayList<>(), now);
    }

    /**
     * A page of the conversation's messages read backwards (ascending, as every page).
     *
     * @param anchor  null for the newest page (a sync's, or {@code history} without
     *                {@code beforeSeq}); else the seq the page was asked to end with
     *                ({@code beforeSeq = anchor + 1}): the buffer's lowest message
     * @param hasMore whether older messages exist below the page
     */
    public Progress olderPage(String conversationId, Long anchor, List<Message> messages, boolean hasMore, long now) {
        Conversation c = conversation(conversationId);
        long before = c.cursor;
        List<Message> delivered = new ArrayList<>();
        boolean reachesAnchor = anchor == null
                || (!messages.isEmpty() && messages.get(messages.size() - 1).seq() == anchor);
        if (!reachesAnchor) {
            // Cut below a hole that may still fill: the messages are real, the seqs up to the anchor unknown.
            messages.forEach(m -> { if (c.cursor == UNKNOWN || m.seq() > c.cursor) c.buffer.put(m.seq(), m); });
            Progress progress = drain(c, before, delivered, now);
            stalled(conversationId, now); // the hole stays missing whatever the page let through
            return progress;
        }
        if (messages.isEmpty()) {
            if (!hasMore && c.cursor == UNKNOWN) {
                c.cursor = 0; // nothing the user can see yet
                c.fromNewest = false;
            }
            return drain(c, before, delivered, now);
        }
        long first = messages.get(0).seq();
        if (c.cursor == UNKNOWN) {
            c.cursor = c.fromNewest || !initialized ? first - 1 : 0;
            c.fromNewest = false;
        }
        if (first <= c.cursor + 1 || !hasMore) {
            consumeThrough(c, first - 1, delivered); // without more, every seq below the page is a gap
            consumeCovered(c, messages, delivered);
        } else {
            long previous = first - 1;
            for (Message m : messages) {
                for (long seq = previous + 1; seq < m.seq(); seq++) {
                    c.buffer.putIfAbsent(seq, null); // a message wins over a gap claim for its seq
                }
                c.buffer.put(m.seq(), m);
                previous = m.seq();
            }
        }
        return drain(c, before, delivered, now);
    }

    /**
     * Where the next backward page of the conversation should end: the lowest buffered message
     * above the cursor, or null for the newest page (nothing buffered, or no cursor yet).
     */
    public Long anchor(String conversationId) {
        Conversation c = conversations.get(conversationId);
        if (c == null || c.cursor == UNKNOWN) {
            return null;
        }
        return c.buffer.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /**
     * Whether the conversation lacks something a fetch should get now: no starting point yet,
     * something missing below the buffer (and not waiting out a young hole), or a listed
     * {@code lastSeq} above the cursor that no fetch has answered yet. Trailing seqs a newest page
     * does not reach are not asked for twice: they are gaps or sends in flight, whose pushes or
     * gap frames come, and a later message reveals them to the gap timer otherwise.
     */
    public boolean lacks(String conversationId) {
        Conversation c = conversations.get(conversationId);
        if (c == null || c.excluded) {
            return false;
        }
        return c.cursor == UNKNOWN ? c.fromNewest || initialized
                : !c.stalled && (!c.buffer.isEmpty() || (c.cursor < c.target && c.answered < c.target));
    }

    /** The newest lastSeq listed for the conversation (what a fetch starting now answers). */
    public long target(String conversationId) {
        Conversation c = conversations.get(conversationId);
        return c == null ? 0 : c.target;
    }

    /** A fetch ended having answered the listed {@code lastSeq} it started for. */
    public void fetched(String conversationId, long target) {
        Conversation c = conversation(conversationId);
        c.answered = Math.max(c.answered, target);
        if (c.buffer.isEmpty() && !c.stalled) {
            c.waitingSince = -1;
            c.syncs = 0;
        }
    }

    /** Whether every conversation holds everything up to what it was last listed with or pushed. */
    public boolean caughtUp() {
        return conversations.values().stream().allMatch(c -> c.excluded || c.cursor != UNKNOWN
                && c.buffer.isEmpty() && !c.stalled);
    }

    /**
     * The first sync of a new device completed: conversations seen only through pushes so far
     * are new since, and start at seq 0 (those it listed start at their newest page).
     */
    public List<Progress> initialSyncDone(long now) {
        initialized = true;
        List<Progress> progress = new ArrayList<>();
        for (Conversation c : conversations.values()) {
            if (c.cursor == UNKNOWN && !c.fromNewest) {
                c.cursor = 0;
                progress.add(drain(c, UNKNOWN, new ArrayList<>(), now));
            }
        }
        return progress;
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
    public Set<String> dueForFetch(long now) {
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

    /** A fetch was started because the conversation was due: wait longer before asking again for the same seq. */
    public void fetchStarted(String conversationId, long now) {
        Conversation c = conversation(conversationId);
        c.syncs++;
        c.waitingSince = now;
        c.stalled = false;
    }

    /** A page could not reach what the conversation lacks (a young hole, a send in flight): ask again later. */
    public void stalled(String conversationId, long now) {
        Conversation c = conversation(conversationId);
        c.stalled = true;
        if (c.waitingSince < 0) {
            c.waitingSince = now;
        }
    }

    /**
     * The user is no longer a member: nothing more is fetched for the conversation. Its cursor is
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
        if (c.cursor == UNKNOWN && initialized && !c.fromNewest) {
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
