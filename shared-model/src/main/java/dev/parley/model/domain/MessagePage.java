package dev.parley.model.domain;

import java.util.List;

/**
 * A page of one conversation's messages, ascending by seq. {@code hasMore}: reading forward, seqs
 * after the page remain; reading backward, older messages exist.
 */
public record MessagePage(List<Message> messages, boolean hasMore) {
    public MessagePage {
        messages = List.copyOf(messages);
    }
}
