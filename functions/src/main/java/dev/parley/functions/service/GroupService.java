package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Demotion;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.ConversationStore.Removal;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Group;
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
import java.util.List;
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
 *   <li>Every change is pushed as a {@code members} frame (members, admins and name after the
 *       change, and what changed) to the members after the change and to those it removed (best
 *       effort: the group is also readable).</li>
 *   <li>Each member's sync-store entry starts when they join (so the group is listed before its
 *       first message), is marked left when they go, and takes a new name when it is renamed.</li>
 * </ul>
 */
public final class GroupService {
    private static final int MAX_NAME_CHARS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A left group's entry stays this long, for devices that sync rarely, then expires. */
    public static final Duration LEFT_KEPT_FOR = Duration.ofDays(30);

    private final ConversationStore conversations;
    /** Null: no sync store (membership-only service tests). */
    private final InboxStore inbox;
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
        this(conversations, null, access, broadcaster, clock, maxMembers, creations, memberChanges, null);
    }

    public GroupService(ConversationStore conversations, InboxStore inbox, ConversationAccess access, Broadcaster broadcaster,
                        Clock clock, int maxMembers, Budget creations, Budget memberChanges, ExecutorService executor) {
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
        announce(group, Change.added(List.copyOf(all)), creator, List.of());
        return group;
    }

    /** Admins only. */
    public Group addMembers(String caller, String conversationId, List<String> members) {
        List<String> requested = validUsers(members);
        memberChanges.spend(caller);
        Meta meta = requireAdmin(conversationId, caller, "add members");
        List<String> current = conversations.members(conversationId);
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
        Group group = group(conversationId, meta.name());
        if (!added.isEmpty()) {
            announce(group, Change.added(added), caller, List.of());
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
        announce(group(conversationId, meta.name()), new Change(List.of(), List.of(member), promoted, List.of(), false),
                caller, List.of(member));
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
        announce(group, new Change(List.of(), List.of(), List.of(), List.of(), true), caller, List.of());
        return group;
    }

    /** {@code PUT /groups/{id}/admins/{userId}}: admins only; promoting an admin changes nothing. */
    public void promote(String caller, String conversationId, String userId) {
        UserIds.require(userId, "userId");
        memberChanges.spend(caller);
        Meta meta = requireAdmin(conversationId, caller, "promote members");
        if (conversations.promote(conversationId, userId)) {
            announce(group(conversationId, meta.name()), new Change(List.of(), List.of(), List.of(userId), List.of(), false),
                    caller, List.of());
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
        announce(group(conversationId, meta.name()), new Change(List.of(), List.of(), List.of(), List.of(userId), false),
                caller, List.of());
    }

    /** What a change did, as the {@code members} frame says it. */
    private record Change(List<String> added, List<String> removed, List<String> promoted, List<String> demoted,
                          boolean renamed) {
        static Change added(List<String> added) {
            return new Change(added, List.of(), List.of(), List.of(), false);
        }
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

    private void announce(Group group, Change change, String by, List<String> alsoTell) {
        String frame = PushFrames.members(group, change.added(), change.removed(), change.promoted(), change.demoted(),
                change.renamed(), by);
        List<String> recipients = new ArrayList<>(group.members());
        recipients.addAll(alsoTell);
        broadcaster.broadcast(recipients, frame, null);
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
