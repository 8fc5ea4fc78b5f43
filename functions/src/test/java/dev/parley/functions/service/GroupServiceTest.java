package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.support.memory.CountingRateLimiter;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.model.domain.Group;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.ForbiddenException;
import dev.parley.model.errors.RateLimitedException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Group rules against in-memory stores: the cap through the member count, and the budgets. */
class GroupServiceTest {
    private final InMemoryConversationStore conversations = new InMemoryConversationStore();
    private final InMemoryConnectionStore connections = new InMemoryConnectionStore();
    private final Broadcaster broadcaster = new Broadcaster(connections,
            new Poster(connections, () -> (id, frame) -> ConnectionPusher.Outcome.DELIVERED), Executors.newFixedThreadPool(2));

    private GroupService groups(int cap, Budget creations, Budget changes) {
        return new GroupService(conversations, new ConversationAccess(conversations), broadcaster, Clock.systemUTC(), cap,
                creations, changes);
    }

    private static List<String> users(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void theMemberCountFollowsAdditionsRepeatsAndRemovals() {
        GroupService service = groups(10, Budget.unlimited("c"), Budget.unlimited("m"));
        Group group = service.create("alice", "team", List.of("bob"));
        service.addMembers("alice", group.conversationId(), List.of("bob", "carol", "carol", "dave"));
        service.removeMember("alice", group.conversationId(), "dave");
        assertThat(conversations.members(group.conversationId())).containsExactlyInAnyOrder("alice", "bob", "carol");
        assertThat(conversations.memberCount(group.conversationId())).isEqualTo(3);
    }

    @Test
    void anAdditionPastTheCapIsRefusedAndAddsNobody() {
        GroupService service = groups(5, Budget.unlimited("c"), Budget.unlimited("m"));
        Group group = service.create("alice", "team", users("m", 3));
        assertThatThrownBy(() -> service.addMembers("alice", group.conversationId(), users("n", 2)))
                .isInstanceOf(BadRequestException.class);
        assertThat(conversations.members(group.conversationId())).hasSize(4);
    }

    @Test
    void groupCreationAndMemberChangesSpendTheirBudgets() {
        GroupService service = groups(500, new Budget("group-create", new CountingRateLimiter(2)),
                new Budget("members", new CountingRateLimiter(1)));
        Group group = service.create("alice", "one", List.of());
        service.create("alice", "two", List.of());
        assertThatThrownBy(() -> service.create("alice", "three", List.of())).isInstanceOf(RateLimitedException.class);
        service.addMembers("alice", group.conversationId(), List.of("victim"));
        assertThatThrownBy(() -> service.removeMember("alice", group.conversationId(), "victim"))
                .isInstanceOf(RateLimitedException.class);
        assertThat(conversations.members(group.conversationId())).contains("victim");
    }

    @Test
    void onlyAdminsAddRemoveOthersRenamePromoteAndDemote() {
        GroupService service = groups(10, Budget.unlimited("c"), Budget.unlimited("m"));
        Group group = service.create("alice", "team", List.of("bob", "carol"));
        assertThat(group.admins()).containsExactly("alice");
        String id = group.conversationId();
        assertThatThrownBy(() -> service.addMembers("bob", id, List.of("dave"))).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> service.removeMember("bob", id, "carol")).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> service.rename("bob", id, "mine")).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> service.promote("bob", id, "bob")).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> service.demote("bob", id, "alice")).isInstanceOf(ForbiddenException.class);
        assertThat(conversations.members(id)).containsExactlyInAnyOrder("alice", "bob", "carol");
        assertThat(conversations.meta(id).orElseThrow().name()).isEqualTo("team");

        service.promote("alice", id, "bob");
        assertThat(service.rename("bob", id, "ours").name()).isEqualTo("ours");
        service.removeMember("bob", id, "carol");
        service.demote("bob", id, "alice");
        assertThat(conversations.members(id)).containsExactlyInAnyOrder("alice", "bob");
        assertThatThrownBy(() -> service.addMembers("alice", id, List.of("dave"))).isInstanceOf(ForbiddenException.class);
    }

    @Test
    void theLastAdminLeavesOnlyByNamingASuccessor() {
        GroupService service = groups(10, Budget.unlimited("c"), Budget.unlimited("m"));
        String id = service.create("alice", "team", List.of("bob")).conversationId();
        assertThatThrownBy(() -> service.removeMember("alice", id, "alice")).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> service.demote("alice", id, "alice")).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> service.removeMember("bob", id, "bob", "bob")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> service.removeMember("bob", id, "bob", "carol")).isInstanceOf(ForbiddenException.class);
        assertThat(conversations.members(id)).containsExactlyInAnyOrder("alice", "bob");
        service.removeMember("alice", id, "alice", "bob");
        assertThat(conversations.members(id)).containsExactly("bob");
        assertThat(conversations.membership(id, "bob").orElseThrow().admin()).isTrue();
    }

    @Test
    void aChangeIsATimelineEntryAndAFrameThatCountMembersInsteadOfListingThem() {
        dev.parley.functions.support.memory.InMemoryMessageStore timeline = new dev.parley.functions.support.memory.InMemoryMessageStore();
        List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
        InMemoryConnectionStore bobsConnections = new InMemoryConnectionStore();
        bobsConnections.save(new dev.parley.functions.store.Connection("m0", "c0", "d0", 0, 0), 60);
        bobsConnections.save(new dev.parley.functions.store.Connection("zoe", "c1", "d1", 0, 0), 60);
        Broadcaster capturing = new Broadcaster(bobsConnections, new Poster(bobsConnections, () -> (id, frame) -> {
            frames.add(frame);
            return ConnectionPusher.Outcome.DELIVERED;
        }), Executors.newFixedThreadPool(2));
        GroupService service = new GroupService(conversations, null, timeline, new ConversationAccess(conversations),
                capturing, Clock.systemUTC(), 1_000, Budget.unlimited("c"), Budget.unlimited("m"), Budget.unlimited("f"), null);

        Group group = service.create("alice", "crowd", users("m", 600));
        String id = group.conversationId();
        service.addMembers("alice", id, List.of("zoe"));

        List<dev.parley.model.domain.TimelineEntry> entries = timeline.entries(id);
        assertThat(entries).extracting(dev.parley.model.domain.TimelineEntry::seq).containsExactly(1L, 2L);
        dev.parley.model.domain.Message created = (dev.parley.model.domain.Message) entries.get(0);
        assertThat(created.kind()).isEqualTo("member");
        assertThat(created.senderId()).isEqualTo("alice");
        dev.parley.model.domain.MemberChange change = dev.parley.model.protocol.ClientCodec.memberChange(created);
        assertThat(change.created()).isTrue();
        assertThat(change.added()).hasSize(dev.parley.model.domain.MemberChange.MAX_LISTED);
        assertThat(change.addedCount()).isEqualTo(601);
        assertThat(change.memberCount()).isEqualTo(601);
        assertThat(timeline.countFromOthers(id, 0, 2, "m0")).as("membership entries are never unread").isZero();

        // Fan-out tells the members (after the entry, with the same lookups); the group service
        // tells only whom fan-out may miss: here zoe, whom the change lists as added. The creation
        // lists 50 of its 601 members: fan-out tells them all.
        assertThat(frames).hasSize(1).allSatisfy(frame -> {
            assertThat(frame).doesNotContain("\"members\":").doesNotContain("\"admins\":");
            assertThat(frame.length()).isLessThan(2_000);
        });
        assertThat(frames.get(0)).contains("\"seq\":2", "\"memberCount\":602", "\"added\":[\"zoe\"]");
        assertThat(dev.parley.functions.push.PushFrames.members(entries.get(0))).as("the creation's frame, as fan-out posts it")
                .contains("\"seq\":1", "\"memberCount\":601", "\"addedCount\":601", "\"created\":true");

        List<String> listed = new java.util.ArrayList<>();
        String cursor = null;
        do {
            GroupService.MemberPage page = service.members("m0", id, cursor, 250);
            assertThat(page.memberCount()).isEqualTo(602);
            listed.addAll(page.members());
            assertThat(page.admins()).isSubsetOf(List.of("alice"));
            cursor = page.cursor();
        } while (cursor != null);
        assertThat(listed).hasSize(602).doesNotHaveDuplicates().contains("alice", "zoe").isSorted();
        assertThatThrownBy(() -> service.members("m0", id, "bm90LWEtY3Vyc29y", 10)).isInstanceOf(BadRequestException.class);
    }
}
