package dev.parley.functions.service;

import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.ActivityCursor;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.SyncCursor;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.domain.ConversationState;
import dev.parley.model.domain.ConversationSummary;
import dev.parley.model.domain.MessagePage;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.NotMemberException;
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

    /** One conversation of a v2 sync: its state in the sync store and, when asked for, its newest messages. */
    public record ChangedConversation(ConversationState state, MessagePage page) {}

    /** A v2 sync's answer: what changed, the cursor to send next, whether more follows at once. */
    public record Changes(List<ChangedConversation> conversations, String cursor, boolean hasMore) {}

    /** A page of the conversation list, newest activity first; {@code cursor} null on the last page. */
    public record ConversationPage(List<ConversationState> conversations, String cursor) {}

    private final ConversationStore conversations;
    private final InboxStore inbox;
    private final ConversationAccess access;
    private final TimelineReader timeline;
    private final Budgets budgets;
    private final java.time.Clock clock;
    private final ReactionMarks marks;

    /**
     * The caller's cursors of conversations the byMember index does not list are looked up one
     * by one (two reads each at most); beyond this many per sync they are left out of the reply,
     * to be answered by a later sync once the index lists them. Bounds what one sync can cost.
     */
    public static final int MAX_UNLISTED_CURSORS = 20;

    /** The budgets of sync (v1 and v2), of history and message pages, and of the conversation list. */
    public record Budgets(Budget sync, Budget pages, Budget list) {
        public static Budgets unlimited() {
            return new Budgets(Budget.unlimited("sync"), Budget.unlimited("history"), Budget.unlimited("conversations"));
        }
    }

    public SyncService(ConversationStore conversations, InboxStore inbox, ConversationAccess access,
                       TimelineReader timeline, Budgets budgets, java.time.Clock clock) {
        this(conversations, inbox, access, timeline, budgets, clock, null);
    }

    /** @param marks sets the reader's {@code me} on reactions (null: pages report {@code me} false) */
    public SyncService(ConversationStore conversations, InboxStore inbox, ConversationAccess access,
                       TimelineReader timeline, Budgets budgets, java.time.Clock clock, ReactionMarks marks) {
        this.marks = marks;
        this.conversations = conversations;
        this.inbox = inbox;
        this.access = access;
        this.timeline = timeline;
        this.budgets = budgets;
        this.clock = clock;
    }

    /**
     * Every conversation of the caller. With no cursors (a new device): the newest page of each.
     * With cursors: the page after each cursor; conversations without a cursor are new to the
     * device and start from the beginning of the caller's membership. The reply stays within
     * {@link ReplyBudget}: pages are filled in order until it runs out, the rest say {@code hasMore}.
     */
    public List<ConversationUpdate> sync(Caller caller, ClientCommand.Sync command) {
        budgets.sync().spend(caller.userId());
        Map<String, Membership> memberships = new LinkedHashMap<>();
        for (Membership membership : conversations.conversationsOf(caller.userId())) {
            memberships.put(membership.conversationId(), membership);
        }
        int unlisted = 0;
        for (String conversationId : command.cursors().keySet()) {
            if (!memberships.containsKey(conversationId) && unlisted++ < MAX_UNLISTED_CURSORS) {
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
        Map<String, InboxEntry> entries = entries(caller.userId(), memberships.keySet());
        Map<String, Meta> metas = new LinkedHashMap<>();
        ReplyBudget budget = ReplyBudget.ofReply();
        for (Membership membership : memberships.values()) {
            String conversationId = membership.conversationId();
            Meta meta = conversations.meta(conversationId).orElse(Meta.empty(conversationId));
            metas.put(conversationId, meta);
            budget.reserveConversation(conversationId, meta.name());
        }
        List<ConversationUpdate> result = new ArrayList<>();
        for (Membership membership : memberships.values()) {
            String conversationId = membership.conversationId();
            Meta meta = metas.get(conversationId);
            TimelineReader.Page page = freshDevice
                    ? budget.fitBackward(timeline.before(meta, null, membership.joinedSeq(), command.limit()))
                    : budget.fitForward(timeline.after(meta, Math.max(membership.joinedSeq(),
                            command.cursors().getOrDefault(conversationId, membership.joinedSeq())), command.limit()));
            result.add(new ConversationUpdate(summary(membership, meta, entries.get(conversationId)),
                    page(caller.userId(), conversationId, page)));
        }
        return result;
    }

    /** The caller's conversations with cursors and unread counts, without messages (GET /conversations). */
    public List<ConversationSummary> conversations(String userId) {
        budgets.list().spend(userId);
        List<Membership> memberships = conversations.conversationsOf(userId);
        Map<String, InboxEntry> entries = entries(userId, memberships.stream().map(Membership::conversationId).toList());
        List<ConversationSummary> result = new ArrayList<>();
        for (Membership membership : memberships) {
            Meta meta = conversations.meta(membership.conversationId()).orElse(Meta.empty(membership.conversationId()));
            result.add(summary(membership, meta, entries.get(membership.conversationId())));
        }
        return result;
    }

    /**
     * The v2 single-cursor sync: the caller's conversations changed since the device's cursor, one
     * Query of the caller's partition per page, whatever the number of conversations. With
     * {@code limit} > 0 each listed conversation also carries its newest messages.
     */
    public Changes changes(Caller caller, ClientCommand.SyncChanges command) {
        budgets.sync().spend(caller.userId());
        InboxStore.ChangePage page = inbox.changes(caller.userId(), SyncCursor.parse(command.since()),
                command.pageSize(), clock.millis());
        List<ChangedConversation> result = new ArrayList<>(page.entries().size());
        ReplyBudget budget = ReplyBudget.ofReply();
        page.entries().forEach(entry -> budget.reserveConversation(entry.conversationId(), entry.name()));
        for (InboxEntry entry : page.entries()) {
            MessagePage messages = new MessagePage(List.of(), false);
            if (command.limit() > 0 && !entry.left()) {
                Meta meta = conversations.meta(entry.conversationId()).orElse(Meta.empty(entry.conversationId()));
                TimelineReader.Page newest = budget.fitBackward(
                        timeline.before(meta, null, entry.joinedSeq(), command.limit()));
                messages = page(caller.userId(), entry.conversationId(), newest);
            }
            result.add(new ChangedConversation(state(entry), messages));
        }
        return new Changes(withAdmins(caller.userId(), result), page.next().token(), page.hasMore());
    }

    /** {@code GET /conversations?limit=&cursor=}: one page, newest activity first, from the sync store. */
    public ConversationPage conversationPage(String userId, String cursor, int limit) {
        budgets.list().spend(userId);
        InboxStore.ActivityPage page = inbox.byActivity(userId, ActivityCursor.parse(cursor), limit);
        List<ConversationState> states = page.entries().stream().map(SyncService::state).toList();
        java.util.Set<String> admin = adminOf(userId, states);
        return new ConversationPage(states.stream().map(state -> state.withAdmin(admin.contains(state.conversationId())))
                .toList(), page.next() == null ? null : page.next().token());
    }

    /**
     * Whether the user is an admin of each listed group (protocol v2 addition: a new device offers
     * admin controls to admins only): the user's member items of the listed groups, one batch read
     * per 100, eventually consistent, and nothing when no group is listed. A promotion or demotion
     * is a timeline entry applied to every member's entry, so the group is listed again after one.
     */
    private java.util.Set<String> adminOf(String userId, List<ConversationState> states) {
        List<String> groups = states.stream().filter(state -> "group".equals(state.kind()) && !state.left())
                .map(ConversationState::conversationId).toList();
        return groups.isEmpty() ? java.util.Set.of() : conversations.adminOf(userId, groups);
    }

    private List<ChangedConversation> withAdmins(String userId, List<ChangedConversation> changed) {
        java.util.Set<String> admin = adminOf(userId, changed.stream().map(ChangedConversation::state).toList());
        return changed.stream().map(c -> new ChangedConversation(c.state().withAdmin(admin.contains(c.state().conversationId())),
                c.page())).toList();
    }

    private Map<String, InboxEntry> entries(String userId, java.util.Collection<String> conversationIds) {
        Map<String, InboxEntry> entries = new java.util.HashMap<>();
        inbox.entries(userId, List.copyOf(conversationIds)).forEach(entry -> entries.put(entry.conversationId(), entry));
        return entries;
    }

    static ConversationState state(InboxEntry entry) {
        return new ConversationState(entry.conversationId(), entry.kind(), entry.name(), entry.lastSeq(), entry.readSeq(),
                entry.unread(), entry.unreadMentions(), entry.lastActivity(), entry.muted(), entry.peerReadSeq(), entry.left());
    }

    /**
     * A page of messages (GET /conversations/{id}/messages): after {@code afterSeq} ascending when
     * given, else before {@code beforeSeq} (or the newest).
     */
    public MessagePage messages(String userId, String conversationId, Long beforeSeq, Long afterSeq, int limit) {
        budgets.pages().spend(userId);
        Membership membership = access.require(conversationId, userId);
        Meta meta = conversations.meta(conversationId).orElse(Meta.empty(conversationId));
        TimelineReader.Page page = afterSeq != null
                ? timeline.after(meta, Math.max(afterSeq, membership.joinedSeq()), limit)
                : timeline.before(meta, beforeSeq, membership.joinedSeq(), limit);
        return page(userId, conversationId, page);
    }

    /** A page of older messages of one conversation ({@code history}). */
    public MessagePage history(Caller caller, ClientCommand.History command) {
        budgets.pages().spend(caller.userId());
        Membership membership = access.require(command.conversationId(), caller.userId());
        Meta meta = conversations.meta(command.conversationId()).orElse(Meta.empty(command.conversationId()));
        TimelineReader.Page page = ReplyBudget.ofReply().fitBackward(
                timeline.before(meta, command.beforeSeq(), membership.joinedSeq(), command.limit()));
        return page(caller.userId(), command.conversationId(), page);
    }

    /** A page as its reader sees it: each message's current state, with the reader's own reactions marked. */
    private MessagePage page(String readerId, String conversationId, TimelineReader.Page page) {
        return new MessagePage(marks == null ? page.messages() : marks.mark(readerId, conversationId, page.messages()),
                page.hasMore());
    }

    /**
     * Read position and unread from the sync store; a conversation without an entry has had no
     * message applied since the store exists (nothing unread that it counts; see
     * docs/data-model.md on rebuilding older conversations).
     */
    private static ConversationSummary summary(Membership membership, Meta meta, InboxEntry entry) {
        long readSeq = entry == null ? Math.max(membership.readSeq(), membership.joinedSeq()) : entry.readSeq();
        return new ConversationSummary(membership.conversationId(), ConversationKind.of(membership.conversationId()).wire(),
                meta.name(), meta.lastSeq(), readSeq, entry == null ? 0 : entry.unread(), membership.admin());
    }
}
