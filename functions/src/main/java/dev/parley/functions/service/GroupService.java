package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Demotion;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.ConversationStore.Removal;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Group;
import dev.parley.model.domain.MemberChange;
import dev.parley.model.domain.Message;
import dev.parley.model.protocol.ClientCodec;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.domain.UserIds;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.ForbiddenException;
import dev.parley.model.errors.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Groups: creation, members, admins and name, capped at {@code maxMembers}: the cap holds under
 * concurrency, because every addition first reserves room in the member count on the group's meta
 * item with one conditional write (never a read-then-write). Every call spends the caller's
 * budget. Rules (protocol v2, "Safety and group administration"):
 * <ul>
 *   <li>The creator is the group's first admin. Only admins add members, remove others, rename
 *       the group, promote and demote (themselves included); any member may leave.</li>
 *   <li>A group always keeps an admin: the last admin can neither leave nor be demoted while other
 *       members remain ({@code FORBIDDEN}); they make another member admin first, or name a
 *       successor when leaving. The admin count on the meta item is the condition of every
 *       transaction that takes an admin away, so concurrent demotions cannot empty it.</li>
 *   <li>Added members see the messages sent after they joined (their {@code joinedSeq} is the
 *       group's newest seq when they were added). A removed member stops receiving at once
 *       (fan-out reads the members strongly consistently) and can no longer read the group.</li>
 *   <li>Every change is a timeline entry of kind {@code member} (its own seq, body: the change),
 *       which fan-out pushes and sync and history return like any entry, so a page reloaded later
 *       still shows "alice added carol"; never unread, never notified. It is also told as a
 *       {@code members} frame (the change, the member count and the entry's seq: never the member
 *       list, which is paged over HTTP): fan-out posts it after the entry to the members, with
 *       the same lookups of their connections; this service posts it at once to those the change
 *       removed (fan-out no longer reaches them) and to those it added, when the change lists
 *       them all ({@link #toldDirectly}; best effort: the group is also readable).</li>
 *   <li>Each member's sync-store entry starts when they join (so the group is listed before its
 *       first message), is marked left when they go, and takes a new name when it is renamed.</li>
 * </ul>
 */
public final class GroupService {
    private static final int MAX_NAME_CHARS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A left group's entry stays this long, for devices that sync rarely, then expires. */
    public static final Duration LEFT_KEPT_FOR = Duration.ofDays(30);

    /** "Read by N" is offered in groups of at most this many members (docs/protocol.md). */
    public static final int RECEIPTS_MAX_MEMBERS = 100;
    /** Members per page of {@code GET /groups/{id}/members}: default and most. */
    public static final int DEFAULT_MEMBER_PAGE = 100;
    public static final int MAX_MEMBER_PAGE = 500;

    private final ConversationStore conversations;
    /** Null: no sync store (membership-only service tests). */
    private final InboxStore inbox;
    /** Null: changes are not kept in the timeline (membership-only service tests). */
    private final MessageStore timeline;
    private final Budget listing;
    private final ConversationAccess access;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final int maxMembers;
    private final Budget creations;
    private final Budget memberChanges;
    /** Runs a rename's entry updates concurrently; null: one after another. */
    private final ExecutorService executor;

    /** Without a sync store (service tests of membership alone): no entries are started or marked left. */
    public GroupService(ConversationStore conversations, ConversationAccess access, Broadcaster broadcaster,
                        Clock clock, int maxMembers, Budget creations, Budget memberChanges) {
        this(conversations, null, null, access, broadcaster, clock, maxMembers, creations, memberChanges, memberChanges, null);
    }

    /**
     * @param timeline where each change is kept as an entry of kind {@code member}
     * @param listing  the budget of the reading routes (member pages, read positions)
     */
    public GroupService(ConversationStore conversations, InboxStore inbox, MessageStore timeline, ConversationAccess access,
                        Broadcaster broadcaster, Clock clock, int maxMembers, Budget creations, Budget memberChanges,
                        Budget listing, ExecutorService executor) {
        this.timeline = timeline;
        this.listing = listing;
        this.creations = creations;
        this.memberChanges = memberChanges;
        this.conversations = conversations;
        this.inbox = inbox;
        this.access = access;
        this.broadcaster = broadcaster;
        this.clock = clock;
        this.maxMembers = maxMembers;
        this.executor = executor;
    }

    public Group create(String creator, String name, List<String> members) {
        String trimmed = validName(name);
        creations.spend(creator);
        Set<String> all = new LinkedHashSet<>();
        all.add(creator);
        all.addAll(validUsers(members));
        checkCap(all.size());
        String conversationId = ConversationId.group(randomToken());
        long now = clock.millis();
        conversations.createGroup(conversationId, trimmed, creator, List.copyOf(all), now);
        all.forEach(member -> startEntry(member, conversationId, trimmed, 0, now));
        Group group = new Group(conversationId, trimmed, List.copyOf(all), List.of(creator));
        announce(conversationId, MemberChange.of(List.copyOf(all), List.of(), List.of(), List.of(), trimmed, false, true,
                all.size()), creator);
        return group;
    }

    /** Admins only. */
    public Group addMembers(String caller, String conversationId, List<String> members) {
        List<String> requested = validUsers(members);
        memberChanges.spend(caller);
        Meta meta = requireAdmin(conversationId, caller, "add members");
        List<Membership> before = conversations.memberships(conversationId);
        Set<String> current = new LinkedHashSet<>();
        before.forEach(membership -> current.add(membership.userId()));
        List<String> fresh = requested.stream().distinct().filter(member -> !current.contains(member)).toList();
        checkCap(current.size() + fresh.size());
        List<String> added = List.of();
        if (!fresh.isEmpty()) {
            if (!conversations.reserveMembers(conversationId, fresh.size(), maxMembers)) {
                throw new BadRequestException("a group has at most " + maxMembers + " members");
            }
            added = conversations.addMembers(conversationId, fresh, meta.lastSeq(), clock.millis());
            if (added.size() < fresh.size()) {
                conversations.releaseMembers(conversationId, fresh.size() - added.size()); // added meanwhile by another
            }
        }
        long now = clock.millis();
        added.forEach(member -> startEntry(member, conversationId, meta.name(), meta.lastSeq(), now));
        // The group as this change left it: the members read above (the list is read once) and
        // those it added.
        List<String> after = new ArrayList<>(current);
        after.addAll(added);
        Group group = new Group(conversationId, meta.name(), after,
                before.stream().filter(Membership::admin).map(Membership::userId).toList());
        if (!added.isEmpty()) {
            announce(conversationId, change(added, List.of(), List.of(), List.of(), meta.name(), false, conversationId,
                    after.size()), caller);
        }
        return group;
    }

    /** A member leaves (themselves), or an admin removes another. */
    public void removeMember(String caller, String conversationId, String member) {
        removeMember(caller, conversationId, member, null);
    }

    /**
     * As {@link #removeMember(String, String, String)}; a member leaving may name a
     * {@code successor}, made admin before they go (the last admin must, when others remain).
     */
    public void removeMember(String caller, String conversationId, String member, String successor) {
        memberChanges.spend(caller);
        Caller me = requireGroupMember(conversationId, caller);
        Meta meta = me.meta();
        boolean leaving = member.equals(caller);
        if (!leaving) {
            requireAdmin(me, caller, "remove other members");
        }
        List<String> promoted = List.of();
        if (successor != null) {
            UserIds.require(successor, "successor");
            if (!leaving || successor.equals(caller)) {
                throw new BadRequestException("a successor is named by a member leaving, and is another member");
            }
            requireAdmin(me, caller, "name a successor");
            promoted = conversations.promote(conversationId, successor) ? List.of(successor) : List.of();
        }
        Removal removal = conversations.removeMember(conversationId, member);
        if (removal == Removal.NOT_MEMBER) {
            throw new NotFoundException(member + " is not a member of " + conversationId);
        }
        if (removal == Removal.LAST_ADMIN) {
            throw new ForbiddenException(member + " is the last admin of " + conversationId
                    + ": make another member admin first (PUT /groups/{id}/admins/{userId}), or name a successor");
        }
        conversations.releaseMembers(conversationId, 1);
        if (inbox != null) {
            inbox.markLeft(member, conversationId, clock.millis(), LEFT_KEPT_FOR);
        }
        announce(conversationId, change(List.of(), List.of(member), promoted, List.of(), meta.name(), false,
                conversationId, -1), caller);
    }

    /** {@code PATCH /groups/{id}}: admins only. Every member's sync-store entry takes the new name. */
    public Group rename(String caller, String conversationId, String name) {
        String trimmed = validName(name);
        memberChanges.spend(caller);
        Meta meta = requireAdmin(conversationId, caller, "rename the group");
        if (trimmed.equals(meta.name())) {
            return group(conversationId, trimmed);
        }
        conversations.rename(conversationId, trimmed);
        Group group = group(conversationId, trimmed);
        renameEntries(group.members(), conversationId, trimmed);
        announce(conversationId, change(List.of(), List.of(), List.of(), List.of(), trimmed, true, conversationId,
                group.members().size()), caller);
        return group;
    }

    /** {@code PUT /groups/{id}/admins/{userId}}: admins only; promoting an admin changes nothing. */
    public void promote(String caller, String conversationId, String userId) {
        UserIds.require(userId, "userId");
        memberChanges.spend(caller);
        Meta meta = requireAdmin(conversationId, caller, "promote members");
        if (conversations.promote(conversationId, userId)) {
            announce(conversationId, change(List.of(), List.of(), List.of(userId), List.of(), meta.name(), false,
                    conversationId, -1), caller);
        }
    }

    /**
     * {@code DELETE /groups/{id}/admins/{userId}}: admins only (themselves included); demoting a
     * member who is no admin changes nothing; the last admin cannot be demoted.
     */
    public void demote(String caller, String conversationId, String userId) {
        UserIds.require(userId, "userId");
        memberChanges.spend(caller);
        Meta meta = requireAdmin(conversationId, caller, "demote admins");
        Demotion demotion = conversations.demote(conversationId, userId);
        if (demotion == Demotion.LAST_ADMIN) {
            throw new ForbiddenException(userId + " is the last admin of " + conversationId + ": make another member admin first");
        }
        if (demotion == Demotion.NOT_ADMIN) {
            if (conversations.membership(conversationId, userId).isEmpty()) {
                throw new NotFoundException(userId + " is not a member of " + conversationId);
            }
            return;
        }
        announce(conversationId, change(List.of(), List.of(), List.of(), List.of(userId), meta.name(), false,
                conversationId, -1), caller);
    }

    /** A page of a group's members ({@code GET /groups/{id}/members}). */
    public record MemberPage(String conversationId, long memberCount, List<String> members, List<String> admins,
                             String cursor) {}

    /**
     * {@code GET /groups/{id}/members?limit=&cursor=}: members only. One Query of {@code limit}
     * member items per page (eventually consistent), in user id order, so a group of any size is
     * listed in pages that each stay small; {@code cursor} (opaque) continues after the page's last
     * member. The member count is read from the group's meta item.
     */
    public MemberPage members(String caller, String conversationId, String cursor, int limit) {
        listing.spend(caller);
        requireGroupMember(conversationId, caller);
        String after = null;
        if (cursor != null) {
            after = decodeCursor(cursor);
        }
        ConversationStore.MemberPage page = conversations.memberPage(conversationId, after,
                Math.max(1, Math.min(limit, MAX_MEMBER_PAGE)));
        long count = conversations.memberCount(conversationId);
        List<String> members = page.members().stream().map(Membership::userId).toList();
        List<String> admins = page.members().stream().filter(Membership::admin).map(Membership::userId).toList();
        return new MemberPage(conversationId, count, members, admins,
                page.nextAfter() == null ? null : encodeCursor(page.nextAfter()));
    }

    /** How far each other member of a small group has read ({@code GET /groups/{id}/reads}). */
    public record Reads(String conversationId, long memberCount, Map<String, Long> readSeqs) {}

    /**
     * {@code GET /groups/{id}/reads}: members only. In a group of at most
     * {@link #RECEIPTS_MAX_MEMBERS} members, the read position of every other member, from their
     * own sync-store entries (one Query of the members, then one batch read per 100): what "read
     * by N" under a message counts. Nothing is written anywhere per read, and nothing on the group's
     * key at all. A larger group answers its member count and no positions (its clients show no
     * figure), so the cost of a call stays bounded.
     */
    public Reads reads(String caller, String conversationId) {
        listing.spend(caller);
        requireGroupMember(conversationId, caller);
        long count = conversations.memberCount(conversationId);
        if (count > RECEIPTS_MAX_MEMBERS || inbox == null) {
            return new Reads(conversationId, count, Map.of());
        }
        List<String> others = conversations.members(conversationId).stream().filter(m -> !m.equals(caller)).toList();
        if (count < 0) {
            count = others.size() + 1L;
            if (count > RECEIPTS_MAX_MEMBERS) {
                return new Reads(conversationId, count, Map.of());
            }
        }
        return new Reads(conversationId, count, inbox.readSeqs(conversationId, others));
    }

    private static String encodeCursor(String afterUserId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("1:" + afterUserId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("1:") && UserIds.isValid(text.substring(2))) {
                return text.substring(2);
            }
        } catch (IllegalArgumentException notBase64) {
            // refused below
        }
        throw new BadRequestException("cursor is not one this server gave out");
    }

    /**
     * A change with the group's member count after it: the meta item's count; for a group from
     * before counts were kept, {@code known} (a member list the caller read, -1: none), else the
     * members read.
     */
    private MemberChange change(List<String> added, List<String> removed, List<String> promoted, List<String> demoted,
                                String name, boolean renamed, String conversationId, long known) {
        long count = conversations.memberCount(conversationId);
        if (count < 0) {
            count = known >= 0 ? known : conversations.members(conversationId).size();
        }
        return MemberChange.of(added, removed, promoted, demoted, name, renamed, false, count);
    }

    /** The group as it is now: members and admins read strongly consistently (one Query). */
    private Group group(String conversationId, String name) {
        List<Membership> memberships = conversations.memberships(conversationId);
        return new Group(conversationId, name, memberships.stream().map(Membership::userId).toList(),
                memberships.stream().filter(Membership::admin).map(Membership::userId).toList());
    }

    /**
     * The member's entry from the seq they joined after: nothing read, nothing unread. Replaces a
     * left entry (a member added back); keeps one fan-out created meanwhile (it is newer).
     */
    private void startEntry(String member, String conversationId, String name, long joinedSeq, long now) {
        if (inbox == null) {
            return;
        }
        OptionalLong expected = inbox.entry(member, conversationId).filter(InboxEntry::left)
                .map(entry -> OptionalLong.of(entry.version())).orElse(OptionalLong.empty());
        inbox.replace(new InboxEntry(member, conversationId, "group", name, joinedSeq, joinedSeq, joinedSeq, 0, 0, 0,
                now, now, false, 0, false, 0, java.util.Set.of()), expected);
    }

    /** One conditional update per member's entry, concurrently when an executor is given. */
    private void renameEntries(List<String> members, String conversationId, String name) {
        if (inbox == null) {
            return;
        }
        long now = clock.millis();
        if (executor == null) {
            members.forEach(member -> inbox.rename(member, conversationId, name, now));
            return;
        }
        List<Future<?>> running = new ArrayList<>(members.size());
        members.forEach(member -> running.add(executor.submit(() -> inbox.rename(member, conversationId, name, now))));
        for (Future<?> task : running) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("rename interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("an entry could not be renamed", e.getCause());
            }
        }
    }

    private record Caller(Meta meta, Membership membership) {}

    private Caller requireGroupMember(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            throw new NotFoundException(conversationId + " is not a group");
        }
        Membership membership = access.require(conversationId, userId);
        Meta meta = conversations.meta(conversationId)
                .orElseThrow(() -> new NotFoundException("conversation " + conversationId + " does not exist"));
        return new Caller(meta, membership);
    }

    /**
     * The caller's member item says whether they are an admin (it is read for membership anyway).
     * The creator of a group from before admins were recorded becomes its admin here.
     */
    private Meta requireAdmin(String conversationId, String userId, String what) {
        return requireAdmin(requireGroupMember(conversationId, userId), userId, what);
    }

    private Meta requireAdmin(Caller caller, String userId, String what) {
        if (!caller.membership().admin() && !adoptedAsCreator(caller.meta(), userId)) {
            throw new ForbiddenException("only an admin of the group may " + what);
        }
        return caller.meta();
    }

    private boolean adoptedAsCreator(Meta meta, String userId) {
        return !meta.adminsRecorded() && userId.equals(meta.createdBy())
                && conversations.adoptCreator(meta.conversationId(), userId);
    }

    /**
     * Keeps the change in the group's timeline (a seq from the group's counter, then the entry,
     * written once: fan-out pushes it to the members as it pushes messages, each time followed by
     * the change's {@code members} frame), then posts the {@code members} frame itself to those
     * fan-out leaves out ({@link #toldDirectly}). A crash between the seq and the entry leaves a
     * hole that readers declare a gap after the hole timeout: the line is lost, the change itself
     * is not. Without a timeline (tests of membership alone) the frame goes to every member here.
     */
    private void announce(String conversationId, MemberChange change, String by) {
        if (timeline == null) {
            List<String> recipients = new ArrayList<>(conversations.members(conversationId));
            recipients.addAll(change.removed());
            broadcaster.broadcast(recipients, PushFrames.members(conversationId, 0, by, change), null);
            return;
        }
        long now = clock.millis();
        long seq = conversations.allocateSeq(conversationId, now).seq();
        Message entry = new Message(conversationId, seq, by, "member-" + seq, FrameCodec.memberChangeBody(change), now, 0,
                Message.Event.member(), null);
        timeline.putIfAbsent(entry, null);
        // From the entry as stored (it lists at most MAX_LISTED added), so that this and fan-out agree.
        Set<String> direct = toldDirectly(entry);
        if (!direct.isEmpty()) {
            broadcaster.broadcast(direct, PushFrames.members(conversationId, seq, by, change), null);
        }
    }

    /**
     * Whom this service tells of a change itself, so that fan-out does not: those it removed (they
     * are no members any more when fan-out reads the members), and those it added when the entry
     * lists every one of them (removed again before fan-out runs, they would hear nothing of
     * being added). A change adding more than {@link MemberChange#MAX_LISTED} is told to the added
     * by fan-out, which reads who they are. Of any entry but a change: nobody.
     */
    static Set<String> toldDirectly(dev.parley.model.domain.TimelineEntry entry) {
        MemberChange change = entry instanceof Message message ? ClientCodec.memberChange(message) : null;
        if (change == null) {
            return Set.of();
        }
        Set<String> direct = new LinkedHashSet<>(change.removed());
        if (change.addedCount() <= change.added().size()) {
            direct.addAll(change.added());
        }
        return direct;
    }

    private static String validName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_CHARS) {
            throw new BadRequestException("name must be 1-" + MAX_NAME_CHARS + " characters");
        }
        return trimmed;
    }

    private List<String> validUsers(List<String> members) {
        List<String> valid = new ArrayList<>();
        for (String member : members) {
            valid.add(UserIds.require(member, "members"));
        }
        return valid;
    }

    private void checkCap(int size) {
        if (size > maxMembers) {
            throw new BadRequestException("a group has at most " + maxMembers + " members (this would make " + size + ")");
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
