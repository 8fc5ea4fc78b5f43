package dev.parley.functions.service;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.NotMemberException;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sync} and {@code history}: the pull half of delivery. Whatever a device missed while
 * offline or through a failed push, it gets here, in seq order, page by page (see
 * docs/protocol.md for the page rules).
 */
public final class SyncService {
    private final ConversationStore conversations;
    private final MessageStore messages;
    private final ConversationAccess access;
    private final TimelineReader timeline;
    private final RateLimiter limiter;

    public SyncService(ConversationStore conversations, MessageStore messages, ConversationAccess access,
                       TimelineReader timeline, RateLimiter limiter) {
        this.conversations = conversations;
        this.messages = messages;
        this.access = access;
        this.timeline = timeline;
        this.limiter = limiter;
    }

    /** sync, history and message pages share one budget per user, apart from sends. */
    private void admit(String userId) {
        long retryAfterMs = limiter.acquire(userId);
        if (retryAfterMs > 0) {
            throw new RateLimitedException("over the sync and history rate limit; retry after retryAfterMs", retryAfterMs);
        }
    }

    /**
     * Every conversation of the caller. With no cursors (a new device): the newest page of each.
     * With cursors: the page after each cursor; conversations without a cursor are new to the
     * device and start from the beginning of the caller's membership.
     */
    public ServerFrame.Synced sync(Caller caller, ClientCommand.Sync command) {
        admit(caller.userId());
        Map<String, Membership> memberships = new LinkedHashMap<>();
        for (Membership membership : conversations.conversationsOf(caller.userId())) {
            memberships.put(membership.conversationId(), membership);
        }
        for (String conversationId : command.cursors().keySet()) {
            if (!memberships.containsKey(conversationId)) {
                // Not (yet) in the eventually consistent index, or no longer a member: a device
                // removed from a group keeps a cursor for it, which must not break its sync.
                try {
                    memberships.put(conversationId, access.require(conversationId, caller.userId()));
                } catch (NotMemberException | NotFoundException notAMember) {
                    // left out of the reply
                }
            }
        }
        boolean freshDevice = command.cursors().isEmpty();
        List<ServerFrame.ConversationSync> result = new ArrayList<>();
        for (Membership membership : memberships.values()) {
            String conversationId = membership.conversationId();
            Meta meta = conversations.meta(conversationId).orElse(Meta.empty(conversationId));
            TimelineReader.Page page = freshDevice
                    ? timeline.before(meta, null, membership.joinedSeq(), command.limit())
                    : timeline.after(meta, Math.max(membership.joinedSeq(),
                            command.cursors().getOrDefault(conversationId, membership.joinedSeq())), command.limit());
            result.add(new ServerFrame.ConversationSync(conversationId, ConversationKind.of(conversationId).wire(),
                    meta.name(), meta.lastSeq(), membership.readSeq(), unread(membership, meta), page.messages(), page.hasMore()));
        }
        return new ServerFrame.Synced(command.requestId(), result);
    }

    /** The caller's conversations with cursors and unread counts, without messages (GET /conversations). */
    public List<ServerFrame.ConversationSync> conversations(String userId) {
        List<ServerFrame.ConversationSync> result = new ArrayList<>();
        for (Membership membership : conversations.conversationsOf(userId)) {
            Meta meta = conversations.meta(membership.conversationId()).orElse(Meta.empty(membership.conversationId()));
            result.add(new ServerFrame.ConversationSync(membership.conversationId(),
                    ConversationKind.of(membership.conversationId()).wire(), meta.name(), meta.lastSeq(), membership.readSeq(),
                    unread(membership, meta), List.of(), false));
        }
        return result;
    }

    /**
     * A page of messages (GET /conversations/{id}/messages): after {@code afterSeq} ascending when
     * given, else before {@code beforeSeq} (or the newest).
     */
    public TimelineReader.Page messages(String userId, String conversationId, Long beforeSeq, Long afterSeq, int limit) {
        admit(userId);
        Membership membership = access.require(conversationId, userId);
        Meta meta = conversations.meta(conversationId).orElse(Meta.empty(conversationId));
        if (afterSeq != null) {
            return timeline.after(meta, Math.max(afterSeq, membership.joinedSeq()), limit);
        }
        return timeline.before(meta, beforeSeq, membership.joinedSeq(), limit);
    }

    public ServerFrame.HistoryPage history(Caller caller, ClientCommand.History command) {
        admit(caller.userId());
        Membership membership = access.require(command.conversationId(), caller.userId());
        Meta meta = conversations.meta(command.conversationId()).orElse(Meta.empty(command.conversationId()));
        TimelineReader.Page page = timeline.before(meta, command.beforeSeq(), membership.joinedSeq(), command.limit());
        return new ServerFrame.HistoryPage(command.requestId(), command.conversationId(), page.messages(), page.hasMore());
    }

    /** Messages after the read cursor (and after joining) not sent by the member. */
    private long unread(Membership membership, Meta meta) {
        long after = Math.max(membership.readSeq(), membership.joinedSeq());
        return messages.countFromOthers(membership.conversationId(), after, meta.lastSeq(), membership.userId());
    }
}
