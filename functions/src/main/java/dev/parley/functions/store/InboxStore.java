package dev.parley.functions.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The sync store: per user, one entry per conversation (positions, unread counters, activity)
 * and each device's ack positions, all in the user's own partition. Fan-out applies every
 * timeline entry to every member's entry; {@code read}, {@code ack}, {@code sync} and the
 * conversation list read and write only the caller's partition. docs/data-model.md ("inbox")
 * states the conditions that keep {@code unread} exact under retries, out-of-order arrivals and
 * concurrent reads.
 */
public interface InboxStore {

    /**
     * How far behind the present a resting sync cursor stays: longer than a change can take
     * from being stamped to being visible in the change index (a write's own retries, the
     * index's propagation). Changes younger than this are listed again by the next sync.
     */
    Duration CHANGE_HORIZON = Duration.ofSeconds(60);

    /** Out-of-order seqs an entry remembers at most; a larger jump needs {@link #replace}. */
    int MAX_PENDING = 500;

    /**
     * One timeline entry as it concerns one member.
     *
     * @param message      a message (else a gap marker, which only moves {@code lastSeq})
     * @param fromOther    a message sent by someone else: it counts as unread above the read position
     * @param mentionsMe   it mentions the member (counts in {@code unreadMentions} too)
     * @param joinedSeq    the seq the member joined after; the entry starts there if it is new
     * @param name         the group's name for a new entry (null: none or unknown)
     */
    record Arrival(String userId, String conversationId, long seq, boolean message, boolean fromOther,
                   boolean mentionsMe, long sentAt, long joinedSeq, String name) {
        public static Arrival gap(String userId, String conversationId, long seq, long joinedSeq) {
            return new Arrival(userId, conversationId, seq, false, false, false, 0, joinedSeq, null);
        }
    }

    enum Applied {
        /** The entry now reflects the arrival. */
        APPLIED,
        /** It already did (a retried fan-out, a replayed batch): nothing changed. */
        ALREADY_APPLIED,
        /** The seq is not after the member's joining: not theirs. */
        BEFORE_JOINING,
        /**
         * More than {@link #MAX_PENDING} seqs between the entry and the arrival were never
         * applied (an entry that predates this store, or records lost to the dead-letter queue):
         * the caller rebuilds the entry from the timeline with {@link #replace}.
         */
        TOO_FAR_BEHIND
    }

    /** {@link #apply(Arrival, long, boolean)} moving the badge counter. */
    default Applied apply(Arrival arrival, long now) {
        return apply(arrival, now, true);
    }

    /**
     * Applies one timeline entry to the member's entry.
     *
     * @param badge move the member's badge counter with the entry's {@code unread}; false for a
     *              member known to have no registered push device (nothing shows a badge to them;
     *              {@link #deviceRegistered} makes the next badge recount)
     */
    Applied apply(Arrival arrival, long now, boolean badge);

    /**
     * Counts, for a partial read, the messages from others in {@code (afterSeq, upToSeq]} that
     * are applied to the entry (the {@code excluding} seqs are not yet). Backed by the timeline.
     */
    @FunctionalInterface
    interface UnreadTally {
        Counts count(String conversationId, long afterSeq, long upToSeq, String userId, Set<Long> excluding);
    }

    record Counts(long unread, long mentions) {}

    enum ReadOutcome { MOVED, ALREADY_THERE }

    /**
     * Moves the user's read position to {@code seq} (never backwards) and sets {@code unread} to
     * the messages from others after it. A read up to the newest applied seq needs no counting;
     * a partial read asks {@code tally} about the messages after the new position only.
     *
     * @param joinedSeq where a missing entry starts (the user is a member: the caller checked)
     */
    ReadOutcome markRead(String userId, String conversationId, long seq, long joinedSeq, UnreadTally tally, long now);

    /** Direct conversations: the peer read up to {@code seq}. False when the entry knew already (or is missing). */
    boolean advancePeerRead(String userId, String conversationId, long seq, long now);

    /** False when the entry is missing or already so. */
    boolean setMuted(String userId, String conversationId, boolean muted, long now);

    /**
     * Whether the user muted the conversation (no entry: not muted). Eventually consistent
     * (0.5 RRU): notifications only, where a mute a moment old may still let one through.
     */
    boolean muted(String userId, String conversationId);

    /** A group was renamed: the entry shows the new name (and is listed again by sync). False when missing, left or already so. */
    boolean rename(String userId, String conversationId, String name, long now);

    /**
     * The user left or was removed: the entry is kept (devices learn it through sync) with no
     * unread, and expires after {@code keepFor}.
     */
    void markLeft(String userId, String conversationId, long now, Duration keepFor);

    /**
     * Writes a whole entry computed elsewhere (a rebuild from the timeline, a backfill, a new
     * group member's first entry): only if the entry is still at {@code expectedVersion}
     * (empty: only if there is none). False when it changed meanwhile.
     */
    boolean replace(InboxEntry entry, OptionalLong expectedVersion);

    /** Read strongly consistently. */
    Optional<InboxEntry> entry(String userId, String conversationId);

    /** Read strongly consistently, in one round trip per 100; missing ones are left out. */
    List<InboxEntry> entries(String userId, List<String> conversationIds);

    /**
     * The read positions of {@code userIds} in one conversation, from their entries (read by key in
     * batches of 100, eventually consistently, only {@code readSeq} projected): "read by N" in a
     * group. Users without an entry are left out.
     */
    java.util.Map<String, Long> readSeqs(String conversationId, java.util.Collection<String> userIds);

    /**
     * @param next    the cursor to ask with next time: a continuation while {@code hasMore}
     * @param hasMore more changed entries follow; ask again with {@code next} right away
     */
    record ChangePage(List<InboxEntry> entries, SyncCursor next, boolean hasMore) {}

    /**
     * The user's entries changed after the cursor, oldest change first, at most {@code limit}
     * (left entries included, so devices drop them). An entry changed more than once appears
     * once, with its newest state.
     */
    ChangePage changes(String userId, SyncCursor cursor, int limit, long now);

    /**
     * The sum of {@code unread} over the user's entries (left ones have none): the badge. Reads
     * every entry, projected to the counter, eventually consistent (about 0.5 RRU per 400
     * conversations); no COUNT of messages.
     */
    long totalUnread(String userId);

    /**
     * The badge: the user's total unread from a per-user counter that every change of an entry's
     * {@code unread} moves (0.5 RRU); recomputed with {@link #totalUnread} when missing, negative
     * or not checked for a day (a counter write can fail after its entry write).
     */
    long badge(String userId, long now);

    /**
     * A push device was registered: the badge counter may have missed changes while the user had
     * none (fan-out does not move it for such users), so it is recounted, and not stored before
     * every fan-out that may have read the user's devices before this registration has ended.
     */
    void deviceRegistered(String userId, long now);

    /** @param next null on the last page */
    record ActivityPage(List<InboxEntry> entries, ActivityCursor next) {}

    /**
     * The user's conversations, newest activity first ({@code activeAt} descending, then
     * conversation id), at most {@code limit}; left ones excluded.
     */
    ActivityPage byActivity(String userId, ActivityCursor after, int limit);

    /**
     * The device holds everything up to {@code seq} in the conversation: never moves backwards;
     * the position expires {@code keepFor} after its last move.
     */
    void advanceAck(String userId, String deviceId, String conversationId, long seq, long now, Duration keepFor);

    OptionalLong ack(String userId, String deviceId, String conversationId);

    /** Removes every ack position of the device; returns how many there were. */
    int removeDevice(String userId, String deviceId);
}
