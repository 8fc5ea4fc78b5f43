package dev.parley.client;

import java.util.List;

/**
 * A page of older messages, ascending by seq. {@code hasMore}: older messages exist; ask again
 * with {@code beforeSeq} set to the first message's seq.
 */
public record HistoryPage(String conversationId, List<Message> messages, boolean hasMore) {
    public HistoryPage {
        messages = List.copyOf(messages);
    }
}
