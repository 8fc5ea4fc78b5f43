package dev.parley.model.domain;

/**
 * A user's view of one conversation as the sync store keeps it (v2 {@code synced} and the paged
 * {@code GET /conversations}): positions, unread counters and activity. {@code kind} is the wire
 * name; {@code name} is null for direct conversations; {@code peerReadSeq} is 0 when unknown (and
 * for groups); {@code left}: the user is no longer a member; {@code admin}: the user is an admin of
 * the group (always false for direct conversations).
 */
public record ConversationState(String conversationId, String kind, String name, long lastSeq, long readSeq,
                                long unread, long unreadMentions, long lastActivity, boolean muted, long peerReadSeq,
                                boolean left, boolean admin) {
    public ConversationState(String conversationId, String kind, String name, long lastSeq, long readSeq,
                             long unread, long unreadMentions, long lastActivity, boolean muted, long peerReadSeq,
                             boolean left) {
        this(conversationId, kind, name, lastSeq, readSeq, unread, unreadMentions, lastActivity, muted, peerReadSeq,
                left, false);
    }

    public ConversationState withAdmin(boolean isAdmin) {
        return new ConversationState(conversationId, kind, name, lastSeq, readSeq, unread, unreadMentions, lastActivity,
                muted, peerReadSeq, left, isAdmin);
    }
}
