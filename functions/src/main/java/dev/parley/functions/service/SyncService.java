package dev.parley.functions.service;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.domain.ConversationSummary;
import dev.parley.model.domain.MessagePage;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.NotMemberException;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
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
    /** One conversation of a sync: the member's view of it and the page the device is missing. */
    public record ConversationUpdate(ConversationSummary summary, MessagePage page) {}

    private final ConversationStore conversations;
    private final Unread unread;
    private final ConversationAccess access;
    private final TimelineReader timeline;
    private final RateLimiter limiter;

    public SyncService(ConversationStore conversations, Unread unread, ConversationAccess access,
                       TimelineReader timeline, RateLimiter limiter) {
        this.conversations = conversations;
        this.unread = unread;
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
    public List<ConversationUpdate> sync(Caller caller, ClientCommand.Sync command) {
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
        List<ConversationUpdate> result = new ArrayList<>();
        for (Membership membership : memberships.values()) {
            String conversationId = membership.conversationId();
            Meta meta = conversations.meta(conversationId).orElse(Meta.empty(conversationId));
            TimelineReader.Page page = freshDevice
                    ? timeline.before(meta, null, membership.joinedSeq(), command.limit())
                    : timeline.after(meta, Math.max(membership.joinedSeq(),
                            command.cursors().getOrDefault(conversationId, membership.joinedSeq())), command.limit());
            result.add(new ConversationUpdate(summary(membership, meta), new MessagePage(page.messages(), page.hasMore())));
        }
        return result;
    }

    /** The caller's conversations with cursors and unread counts, without messages (GET /conversations). */
    public List<ConversationSummary> conversations(String userId) {
        List<ConversationSummary> result = new ArrayList<>();
        for (Membership membership : conversations.conversationsOf(userId)) {
            Meta meta = conversations.meta(membership.conversationId()).orElse(Meta.empty(membership.conversationId()));
            result.add(summary(membership, meta));
        }
        return result;
    }

    /**
     * A page of messages (GET /conversations/{id}/messages): after {@code afterSeq} ascending when
     * given, else before {@code beforeSeq} (or the newest).
     */
    public MessagePage messages(String userId, String conversationId, Long beforeSeq, Long afterSeq, int limit) {
        admit(userId);
        Membership membership = access.require(conversationId, userId);
        Meta meta = conversations.meta(conversationId).orElse(Meta.empty(conversationId));
        TimelineReader.Page page = afterSeq != null
                ? timeline.after(meta, Math.max(afterSeq, membership.joinedSeq()), limit)
                : timeline.before(meta, beforeSeq, membership.joinedSeq(), limit);
        return new MessagePage(page.messages(), page.hasMore());
    }

    /** A page of older messages of one conversation ({@code history}). */
    public MessagePage history(Caller caller, ClientCommand.History command) {
        admit(caller.userId());
        Membership membership = access.require(command.conversationId(), caller.userId());
        Meta meta = conversations.meta(command.conversationId()).orElse(Meta.empty(command.conversationId()));
        TimelineReader.Page page = timeline.before(meta, command.beforeSeq(), membership.joinedSeq(), command.limit());
        return new MessagePage(page.messages(), page.hasMore());
    }

    private ConversationSummary summary(Membership membership, Meta meta) {
        return new ConversationSummary(membership.conversationId(), ConversationKind.of(membership.conversationId()).wire(),
                meta.name(), meta.lastSeq(), membership.readSeq(), unread.count(membership, meta));
    }
}
