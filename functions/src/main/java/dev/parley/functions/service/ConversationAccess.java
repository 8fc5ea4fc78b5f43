package dev.parley.functions.service;

import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.NotMemberException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one answer to "who is in this conversation": who may read or write it, the caller's
 * cursors in it, who its members are (and since which seq), and a user's direct peers. A direct
 * conversation's members are in its id (no read at all); a group's are its member items.
 */
public final class ConversationAccess {
    private final ConversationStore conversations;

    public ConversationAccess(ConversationStore conversations) {
        this.conversations = conversations;
    }

    /**
     * The caller's membership, or {@link NotMemberException} / {@link NotFoundException}. A direct
     * conversation without member items yet (no message so far) is read as a fresh membership:
     * its id says who the members are.
     */
    public Membership require(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            requireDirectMember(conversationId, userId);
            return conversations.membership(conversationId, userId)
                    .orElse(new Membership(conversationId, userId, ConversationKind.DIRECT.wire(), 0, 0));
        }
        return conversations.membership(conversationId, userId).orElseThrow(() -> refusal(conversationId));
    }

    /**
     * The caller's membership item, which must exist: for routes that write to a conversation's
     * items without sending ({@code ack}, {@code read}). A direct conversation has member items
     * from its first message on; before that there is nothing to acknowledge or read, and the
     * caller could otherwise make an item for every {@code dm:<me>:<anyone>}.
     */
    public Membership requireRecorded(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            requireDirectMember(conversationId, userId);
            return conversations.membership(conversationId, userId)
                    .orElseThrow(() -> new NotMemberException("no message in " + conversationId + " yet"));
        }
        return require(conversationId, userId);
    }

    /**
     * The same rule without the cursors, for the send path: a direct conversation's members are
     * in its id (no read at all), a group's member item is read by key, projected to nothing.
     */
    public void check(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            requireDirectMember(conversationId, userId);
        } else if (!conversations.isMember(conversationId, userId)) {
            throw refusal(conversationId);
        }
    }

    /**
     * Every member with the seq they joined after (0 in a direct conversation), read strongly
     * consistently: a member removed a moment ago receives nothing more.
     */
    public Map<String, Long> members(String conversationId) {
        Map<String, Long> joined = new LinkedHashMap<>();
        if (ConversationId.isDirect(conversationId)) {
            ConversationId.directMembers(conversationId).forEach(member -> joined.put(member, 0L));
        } else {
            conversations.memberships(conversationId).forEach(m -> joined.put(m.userId(), m.joinedSeq()));
        }
        return joined;
    }

    /** The users the user shares a direct conversation with (the byMember index: eventually consistent). */
    public Set<String> directPeers(String userId) {
        Set<String> peers = new LinkedHashSet<>();
        for (Membership membership : conversations.conversationsOf(userId)) {
            if (ConversationId.isDirect(membership.conversationId())) {
                for (String member : ConversationId.directMembers(membership.conversationId())) {
                    if (!member.equals(userId)) {
                        peers.add(member);
                    }
                }
            }
        }
        return peers;
    }

    private static void requireDirectMember(String conversationId, String userId) {
        if (!ConversationId.directMembers(conversationId).contains(userId)) {
            throw new NotMemberException("you are not a member of " + conversationId);
        }
    }

    /** Not a member of a group that exists, or no such group (the second read happens on refusal only). */
    private RuntimeException refusal(String conversationId) {
        return conversations.exists(conversationId)
                ? new NotMemberException("you are not a member of " + conversationId)
                : new NotFoundException("conversation " + conversationId + " does not exist");
    }
}
