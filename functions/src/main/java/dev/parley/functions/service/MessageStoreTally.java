package dev.parley.functions.service;

import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.util.Set;

/**
 * A partial read's recount: the messages from others after the new read position, read from the
 * timeline (strongly consistent). Only a read that stops short of the newest applied seq pays it,
 * in proportion to what stays unread.
 */
public final class MessageStoreTally implements InboxStore.UnreadTally {
    private final MessageStore messages;

    public MessageStoreTally(MessageStore messages) {
        this.messages = messages;
    }

    @Override
    public InboxStore.Counts count(String conversationId, long afterSeq, long upToSeq, String userId, Set<Long> excluding) {
        long unread = 0;
        long mentions = 0;
        int limit = (int) Math.min(Integer.MAX_VALUE, Math.max(0, upToSeq - afterSeq));
        for (TimelineEntry entry : messages.range(conversationId, afterSeq + 1, upToSeq, limit, true)) {
            if (entry instanceof Message message && !message.isEvent() && !message.senderId().equals(userId) && !excluding.contains(entry.seq())) {
                unread++;
                mentions += InboxWriter.mentions(message.bodyJson()).contains(userId) ? 1 : 0;
            }
        }
        return new InboxStore.Counts(unread, mentions);
    }
}
