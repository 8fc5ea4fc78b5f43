package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.store.Connection;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plan alone: who gets which entry, in which order, without any store or socket. */
class FanoutPlanTest {
    private final Connection alicePhone = new Connection("alice", "a-phone", "phone", 1, 1);
    private final Connection bobPhone = new Connection("bob", "b-phone", "phone", 1, 1);
    private final Connection carolPhone = new Connection("carol", "c-phone", "phone", 1, 1);
    private final FanoutLookups.Found found = new FanoutLookups.Found(
            Map.of("grp:team", Map.of("alice", 0L, "bob", 0L, "carol", 2L)),
            Map.of("alice", List.of(alicePhone), "bob", List.of(bobPhone), "carol", List.of(carolPhone)), Set.of());

    private static FanoutService.Delivery message(String id, long seq, String origin) {
        return new FanoutService.Delivery(id, new Message("grp:team", seq, "alice", "c" + seq, "{}", 1), origin);
    }

    @Test
    void eachConnectionGetsTheEntriesInSeqOrderExceptItsOwnAndThoseBeforeItsMemberJoined() {
        List<FanoutService.Delivery> batch = List.of(message("3", 3, "a-phone"), message("1", 1, "a-phone"),
                new FanoutService.Delivery("2", new Gap("grp:team", 2), null));

        var posts = FanoutPlan.posts(FanoutPlan.inSeqOrder(batch), found, Set.of(), d -> "seq" + d.entry().seq());

        assertThat(posts.get(bobPhone)).extracting(FanoutPlan.Post::frame).containsExactly("seq1", "seq2", "seq3");
        assertThat(posts.get(alicePhone)).extracting(FanoutPlan.Post::frame).containsExactly("seq2");
        assertThat(posts.get(carolPhone)).extracting(FanoutPlan.Post::frame).containsExactly("seq3");
    }

    @Test
    void aDeliveryWhoseLookupsFailedGetsNoPosts() {
        var posts = FanoutPlan.posts(List.of(message("1", 1, null)), found, Set.of("1"), d -> "x");
        assertThat(posts).isEmpty();
    }

    @Test
    void aGroupChangeIsFollowedByItsMembersFrameExceptForThoseTheGroupServiceTellsItself() {
        String body = dev.parley.model.protocol.FrameCodec.memberChangeBody(dev.parley.model.domain.MemberChange.of(
                List.of("carol"), List.of(), List.of(), List.of(), "team", false, false, 3));
        Message change = new Message("grp:team", 3, "alice", "member-3", body, 1, 0, Message.Event.member(), null);

        var posts = FanoutPlan.posts(List.of(new FanoutService.Delivery("3", change, null)), found, Set.of(),
                d -> "entry");

        assertThat(posts.get(bobPhone)).extracting(FanoutPlan.Post::frame).hasSize(2).first().isEqualTo("entry");
        assertThat(posts.get(bobPhone).get(1).frame()).startsWith("{\"type\":\"members\"")
                .contains("\"seq\":3", "\"added\":[\"carol\"]", "\"by\":\"alice\"");
        assertThat(posts.get(alicePhone)).extracting(FanoutPlan.Post::frame).hasSize(2);
        assertThat(posts.get(carolPhone)).as("the member it added was told by the group service")
                .extracting(FanoutPlan.Post::frame).containsExactly("entry");
    }
}
