package dev.parley.client;

/**
 * One conversation as the last {@code sync} (or {@code GET /conversations}) described it: its kind
 * ({@code direct} or {@code group}), the group's name (null for direct conversations), the newest
 * seq allocated, the user's read cursor, and the unread count (messages after {@code readSeq} not
 * sent by the user), and for groups whether the user is one of its admins ({@code admin}: a new
 * device offers admin controls to admins only).
 */
public record ConversationSummary(String conversationId, String kind, String name, long lastSeq, long readSeq,
                                  long unread, boolean admin) {
    public ConversationSummary(String conversationId, String kind, String name, long lastSeq, long readSeq, long unread) {
        this(conversationId, kind, name, lastSeq, readSeq, unread, false);
    }
}
