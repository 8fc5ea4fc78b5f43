package dev.parley.model.domain;

/**
 * One member's view of a conversation: its newest seq, the member's read cursor and unread count.
 * {@code kind} is the wire name ({@code direct} or {@code group}); {@code name} is null for direct
 * conversations; {@code admin}: the member is an admin of the group (protocol v2 addition).
 */
public record ConversationSummary(String conversationId, String kind, String name, long lastSeq, long readSeq,
                                  long unread, boolean admin) {
    public ConversationSummary(String conversationId, String kind, String name, long lastSeq, long readSeq, long unread) {
        this(conversationId, kind, name, lastSeq, readSeq, unread, false);
    }
}
