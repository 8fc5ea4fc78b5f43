package dev.parley.functions.service;

import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.protocol.Mentions;
import java.util.Set;

/**
 * Protocol v2's references in a send: {@code replyTo} must be a seq of this conversation holding
 * a message (not a gap, an event or a deleted message: {@code NOT_FOUND}), and every user of
 * {@code body.mentions} must be a member ({@code BAD_REQUEST} naming the first who is not). Costs
 * one strongly consistent read for a reply and one per mentioned group member (at most 50);
 * nothing for a direct conversation's mentions, whose members are its id.
 */
final class MessageReferences {
    private final ConversationStore conversations;
    private final MessageStore messages;

    MessageReferences(ConversationStore conversations, MessageStore messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    void check(String conversationId, long replyTo, String bodyJson) {
        if (replyTo > 0 && !(messages.get(conversationId, replyTo).orElse(null) instanceof Message target
                && !target.isEvent() && (target.state() == null || !target.state().deleted()))) {
            throw new NotFoundException("replyTo " + replyTo + " holds no message of " + conversationId);
        }
        Set<String> mentioned = Mentions.of(bodyJson);
        for (String userId : mentioned) {
            boolean member = ConversationId.isDirect(conversationId)
                    ? ConversationId.directMembers(conversationId).contains(userId)
                    : conversations.isMember(conversationId, userId);
            if (!member) {
                throw new BadRequestException("body.mentions names " + userId + ", who is not a member of "
                        + conversationId);
            }
        }
    }
}
