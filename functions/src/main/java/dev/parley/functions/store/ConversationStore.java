package dev.parley.functions.store;

import java.util.List;

/** Conversations, their members and their seq counters. */
public interface ConversationStore {

    /**
     * Allocates the next seq of the conversation with one atomic counter update: strictly
     * increasing and never handed out twice, whatever the concurrency.
     */
    SeqAllocation allocateSeq(String conversationId, long now);

    /** A freshly allocated seq, and whether the conversation's member items are known to exist. */
    record SeqAllocation(long seq, boolean membersRecorded) {}

    /**
     * Writes the member items of a direct conversation, keeping any that exist (and their
     * cursors), then marks the conversation so later sends skip this.
     */
    void recordDirectMembers(String conversationId, List<String> members, long now);

    boolean isMember(String conversationId, String userId);

    boolean exists(String conversationId);

    /** The user ids of every member. */
    List<String> members(String conversationId);
}
