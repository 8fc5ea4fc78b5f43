package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Meta;
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
import java.util.OptionalLong;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Groups: creation, adding and removing members, capped at {@code maxMembers}: the cap holds
 * under concurrency, because every addition first reserves room in the member count on the
 * group's meta item with one conditional write (never a read-then-write). Creation and member
 * changes each spend the caller's budget. Rules:
 * <ul>
 *   <li>Any member may add members. Added members see the messages sent after they joined
 *       (their {@code joinedSeq} is the group's newest seq when they were added).</li>
 *   <li>A member may remove themselves; only the creator may remove others. A removed member
 *       stops receiving at once (fan-out reads the members strongly consistently) and can no
 *       longer read the group at all.</li>
 *   <li>Every change is pushed as a {@code members} frame to the members after the change and to
 *       those it removed (best effort: the member list is also readable).</li>
 *   <li>Each member's sync-store entry starts when they join (so the group is listed before its
 *       first message) and is marked left when they go (so their devices drop it on sync).</li>
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

    /** Without a sync store (service tests of membership alone): no entries are started or marked left. */
    public GroupService(ConversationStore conversations, ConversationAccess access, Broadcaster broadcaster,
                        Clock clock, int maxMembers, Budget creations, Budget memberChanges) {
        this(conversations, null, access, broadcaster, clock, maxMembers, creations, memberChanges);
    }

    public GroupService(ConversationStore conversations, InboxStore inbox, ConversationAccess access, Broadcaster broadcaster,
                        Clock clock, int maxMembers, Budget creations, Budget memberChanges) {
        this.creations = creations;
        this.memberChanges = memberChanges;
        this.conversations = conversations;
        this.inbox = inbox;
        this.access = access;
        this.broadcaster = broadcaster;
        this.clock = clock;
        this.maxMembers = maxMembers;
    }

    public Group create(String creator, String name, List<String> members) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_CHARS) {
            throw new BadRequestException("name must be 1-" + MAX_NAME_CHARS + " characters");
        }
        creations.spend(creator);
        Set<String> all = new LinkedHashSet<>();
        all.add(creator);
        all.addAll(validUsers(members));
        checkCap(all.size());
        String conversationId = ConversationId.group(randomToken());
        long now = clock.millis();
        conversations.createGroup(conversationId, trimmed, creator, List.copyOf(all), now);
        all.forEach(member -> startEntry(member, conversationId, trimmed, 0, now));
        Group group = new Group(conversationId, trimmed, List.copyOf(all));
        announce(group, List.copyOf(all), List.of(), creator, List.of());
        return group;
    }

    public Group addMembers(String caller, String conversationId, List<String> members) {
        List<String> requested = validUsers(members);
        memberChanges.spend(caller);
        Meta meta = requireGroupMember(conversationId, caller);
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
        Group group = new Group(conversationId, meta.name(), conversations.members(conversationId));
        if (!added.isEmpty()) {
            announce(group, added, List.of(), caller, List.of());
        }
        return group;
    }

    public void removeMember(String caller, String conversationId, String member) {
        memberChanges.spend(caller);
        Meta meta = requireGroupMember(conversationId, caller);
        if (!member.equals(caller) && !caller.equals(meta.createdBy())) {
            throw new ForbiddenException("only the group's creator may remove other members");
        }
        if (!conversations.removeMember(conversationId, member)) {
            throw new NotFoundException(member + " is not a member of " + conversationId);
        }
        conversations.releaseMembers(conversationId, 1);
        if (inbox != null) {
            inbox.markLeft(member, conversationId, clock.millis(), LEFT_KEPT_FOR);
        }
        Group group = new Group(conversationId, meta.name(), conversations.members(conversationId));
        announce(group, List.of(), List.of(member), caller, List.of(member));
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

    private Meta requireGroupMember(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            throw new NotFoundException(conversationId + " is not a group");
        }
        access.require(conversationId, userId);
        return conversations.meta(conversationId)
                .orElseThrow(() -> new NotFoundException("conversation " + conversationId + " does not exist"));
    }

    private void announce(Group group, List<String> added, List<String> removed, String by, List<String> alsoTell) {
        String frame = PushFrames.members(group, added, removed, by);
        List<String> recipients = new ArrayList<>(group.members());
        recipients.addAll(alsoTell);
        broadcaster.broadcast(recipients, frame, null);
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
