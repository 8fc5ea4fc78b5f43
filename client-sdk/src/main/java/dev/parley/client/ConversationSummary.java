package dev.parley.client;

/**
 * One conversation as the last {@code sync} (or {@code GET /conversations}) described it: its kind
 * ({@code direct} or {@code group}), the group's name (null for direct conversations), the newest
 * seq allocated, the user's read cursor, and the unread count (messages after {@code readSeq} not
 * sent by the user). Protocol v2 adds {@code unreadMentions} as a further component.
 */
public record ConversationSummary(String conversationId, String kind, String name, long lastSeq, long readSeq,
                                  long unread) {}
