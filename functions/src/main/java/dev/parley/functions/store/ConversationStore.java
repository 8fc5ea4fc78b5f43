package dev.parley.functions.store;

import java.util.List;

/** Conversations, their members and their seq counters. */
public interface ConversationStore {

    /**
     * Allocates the next seq of the conversation with one atomic counter update: strictly
     * increasing and never handed out twice, whatever the concurrency.
     */
    default SeqAllocation allocateSeq(String conversationId, long now) {
        return allocateSeq(conversationId, null, now);
    }

    /**
     * {@link #allocateSeq(String, long)} for a write by {@code senderId}: in a direct conversation
     * whose other member blocked the sender, {@link dev.parley.model.errors.BlockedException} and no
     * seq is drawn. The check is the counter update's own condition: it adds no read to a send.
     *
     * @param senderId null: no block check (group conversations never need one)
     */
    SeqAllocation allocateSeq(String conversationId, String senderId, long now);

    /** A freshly allocated seq, and whether the conversation's member items are known to exist. */
    record SeqAllocation(long seq, boolean membersRecorded) {}

    /**
     * Writes the member items of a direct conversation, keeping any that exist (and their
     * cursors), then marks the conversation so later sends skip this.
     */
    void recordDirectMembers(String conversationId, List<String> members, long now);

    boolean isMember(String conversationId, String userId);

    /** The conversation's counter state, read strongly consistently; empty if no seq was ever drawn. */
    java.util.Optional<Meta> meta(String conversationId);

    /**
     * {@code lastSeqAt}: when the newest seq was drawn (epoch ms), which bounds the age of every
     * hole. {@code name} and {@code createdBy} are set for groups only.
     */
    record Meta(String conversationId, String kind, long lastSeq, long lastSeqAt, String name, String createdBy,
                boolean adminsRecorded) {
        /**
         * {@code adminsRecorded}: false for a group created before protocol v2's admins (no admin
         * count on its meta item): its creator becomes its admin on first need ({@link #adoptCreator}).
         */
        public Meta(String conversationId, String kind, long lastSeq, long lastSeqAt, String name, String createdBy) {
            this(conversationId, kind, lastSeq, lastSeqAt, name, createdBy, true);
        }

        /** The state of a conversation no seq was ever drawn in. */
        public static Meta empty(String conversationId) {
            return new Meta(conversationId, dev.parley.model.domain.ConversationKind.of(conversationId).wire(), 0, 0, null, null);
        }
    }

    /**
     * Creates a group: its {@code #meta} item (refused if the id exists) holding the member count
     * and an admin count of 1, and one member item per member, all joined at seq 0; the creator's
     * is an admin's.
     */
    void createGroup(String conversationId, String name, String createdBy, List<String> members, long now);

    /**
     * Reserves room for {@code count} more members in the group's member count (kept on its
     * {@code #meta} item), with one conditional write that keeps the count at most {@code max}:
     * concurrent additions can never pass the cap together. False, and nothing changed, when
     * they would.
     */
    boolean reserveMembers(String conversationId, int count, int max);

    /** Gives back room reserved or held: members who turned out to be in already, or who left. */
    void releaseMembers(String conversationId, int count);

    /** Adds members who joined after {@code joinedSeq}; returns those who were not members yet. */
    List<String> addMembers(String conversationId, List<String> members, long joinedSeq, long now);

    /**
     * Removes a member. An admin's removal lowers the admin count in the same transaction, and is
     * refused ({@link Removal#LAST_ADMIN}) when they are the last admin of a group that has other
     * members: a group always keeps an admin.
     */
    Removal removeMember(String conversationId, String userId);

    enum Removal { REMOVED, NOT_MEMBER, LAST_ADMIN }

    /**
     * Makes a member an admin (their member item and the group's admin count, in one transaction).
     * False when they already were one.
     *
     * @throws dev.parley.model.errors.NotFoundException when they are not a member
     */
    boolean promote(String conversationId, String userId);

    /**
     * Takes a member's admin role away, in one transaction that keeps the group's admin count at
     * least 1.
     */
    Demotion demote(String conversationId, String userId);

    enum Demotion { DEMOTED, NOT_ADMIN, LAST_ADMIN }

    /**
     * A group created before admins were recorded: makes its creator (still a member) its first
     * admin, in one transaction that starts the admin count. False when the group records admins
     * already, or the creator is no longer a member.
     */
    boolean adoptCreator(String conversationId, String creator);

    /** Renames a group (its meta item). */
    void rename(String conversationId, String name);

    /** The member's item: cursors, and the seq they joined after. */
    java.util.Optional<Membership> membership(String conversationId, String userId);

    /** One member's view of a conversation. Messages after {@code joinedSeq} are theirs to read. */
    record Membership(String conversationId, String userId, String kind, long readSeq, long joinedSeq, boolean admin) {
        public Membership(String conversationId, String userId, String kind, long readSeq, long joinedSeq) {
            this(conversationId, userId, kind, readSeq, joinedSeq, false);
        }
    }

    /** Every conversation the user is a member of (the byMember index: eventually consistent). */
    List<Membership> conversationsOf(String userId);

    /** Moves the read cursor forward to {@code seq}; false when it already was there or beyond. */
    boolean advanceRead(String conversationId, String userId, long seq);

    /** Records that the device holds everything up to {@code seq}; never moves backwards. */
    void advanceAck(String conversationId, String userId, String deviceId, long seq);

    boolean exists(String conversationId);

    /** The user ids of every member. */
    List<String> members(String conversationId);

    /** Every member with the seq they joined after (read strongly consistently), for fan-out. */
    List<Membership> memberships(String conversationId);

    /**
     * One page of a group's members in user id order (the member items' sort key), starting after
     * {@code afterUserId} (null: from the first), at most {@code limit}; read eventually
     * consistently. {@code nextAfter} is the last member listed when more follow, else null.
     */
    MemberPage memberPage(String conversationId, String afterUserId, int limit);

    record MemberPage(List<Membership> members, String nextAfter) {}

    /**
     * The member count kept on the group's meta item (read strongly consistently): exact but for a
     * crash between a member write and its count update, which leaves it high. -1 when no count is
     * kept (a group from before the count, or no group).
     */
    long memberCount(String conversationId);

    /**
     * Of {@code conversationIds} (groups), those in which {@code userId} is an admin: the user's
     * member items, read by key in batches, eventually consistently.
     */
    java.util.Set<String> adminOf(String userId, java.util.Collection<String> conversationIds);
}
