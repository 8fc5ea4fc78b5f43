package dev.parley.model.domain;

/**
 * A user's view of one conversation as the sync store keeps it (v2 {@code synced} and the paged
 * {@code GET /conversations}): positions, unread counters and activity. {@code kind} is the wire
 * name; {@code name} is null for direct conversations; {@code peerReadSeq} is 0 when unknown (and
 * for groups); {@code left}: the user is no longer a member.
 */
public record ConversationState(String conversationId, String kind, String name, long lastSeq, long readSeq,
                                long unread, long unreadMentions, long lastActivity, boolean muted, long peerReadSeq,
                                boolean left) {}
