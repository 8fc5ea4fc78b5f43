package dev.parley.client.internal;

import dev.parley.client.Message;
import java.util.List;

/**
 * What one input moved in one conversation: the cursor went from {@code from} to {@code cursor},
 * and {@code delivered} are the messages in between, ascending (seqs in between that are not
 * among them were gaps). {@code from} is -1 when the conversation had no cursor yet: a cursor
 * established counts as progress even without messages, so that it is saved (a restarted app
 * must not take itself for a new device).
 */
public record Progress(String conversationId, long from, long cursor, List<Message> delivered) {
    public Progress {
        delivered = List.copyOf(delivered);
    }

    static Progress none(String conversationId, long cursor) {
        return new Progress(conversationId, cursor, cursor, List.of());
    }

    public boolean advanced() {
        return cursor > from;
    }
}
