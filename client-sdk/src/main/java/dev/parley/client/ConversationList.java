package dev.parley.client;

import java.util.List;

/** Every conversation of the user ({@code GET /conversations}) with unread counts, and their total. */
public record ConversationList(List<ConversationSummary> conversations, long totalUnread) {
    public ConversationList {
        conversations = List.copyOf(conversations);
    }
}
