package dev.parley.functions.service;

import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.MessageStore;

/**
 * The one unread rule, read by {@code sync}, {@code GET /conversations} and the notification
 * badge alike: the messages after the member's read cursor (and after they joined) that others
 * sent, up to the conversation's newest seq. Gaps are not messages and never count.
 */
public final class Unread {
    private final ConversationStore conversations;
    private final MessageStore messages;

    public Unread(ConversationStore conversations, MessageStore messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    /** The member's unread count in one conversation whose counter state is {@code meta}. */
    public long count(Membership membership, Meta meta) {
        long after = Math.max(membership.readSeq(), membership.joinedSeq());
        return messages.countFromOthers(membership.conversationId(), after, meta.lastSeq(), membership.userId());
    }

    /** The sum over every conversation of the user: what {@code totalUnread} and a badge show. */
    public long total(String userId) {
        long total = 0;
        for (Membership membership : conversations.conversationsOf(userId)) {
            total += count(membership, conversations.meta(membership.conversationId())
                    .orElse(Meta.empty(membership.conversationId())));
        }
        return total;
    }
}
