package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.it.support.Api;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.aws.AwsLimits;
import dev.parley.model.config.Setting;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Membership of a 10,000-member group (issue 19, hazard 6): a join is pushed as a {@code members}
 * frame that carries the change and the member count, far under API Gateway's 128 KB (a frame with
 * the whole member list was over it, so every post of it failed), and the member list is read in
 * pages over HTTP, every member exactly once.
 */
class LargeGroupMembershipTest {
    private static final int MEMBERS = 10_000;
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        LocalRuntime.Options.Builder options = dev.parley.it.localstack.Backend.options().port(0)
                .setting(Setting.LOG_LEVEL, "WARN").setting(Setting.MAX_GROUP_MEMBERS, String.valueOf(MEMBERS + 10));
        Parley.WITHOUT_BUDGETS.forEach(options::setting);
        runtime = LocalRuntime.start(options.build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static Api as(String userId) {
        return new Api(runtime.httpUrl(), OwnRuntime.token(runtime, userId));
    }

    private static String path(String group) {
        return "/groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8);
    }

    @Test
    void aJoinToATenThousandMemberGroupIsPushedSmallAndTheMemberListPagesThroughEveryone() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String group = as(alice).createGroup("everyone", bob);
        // The other 9,998 members are written through the store, in batches: through the route each
        // addition would also start every new member's sync-store entry and push a frame to every
        // member, minutes of DynamoDB Local work that this test is not about. The count kept on the
        // group's meta item is reserved first, as the route does.
        DynamoConversationStore store = new DynamoConversationStore(runtime.dynamo(),
                runtime.config().get(Setting.CONVERSATIONS_TABLE));
        List<String> everyone = new ArrayList<>(List.of(alice, bob));
        for (int batch = 0; everyone.size() < MEMBERS; batch++) {
            List<String> members = new ArrayList<>();
            for (int i = 0; i < 1_000 && everyone.size() + members.size() < MEMBERS; i++) {
                members.add(Parley.user("m" + batch + "-" + i));
            }
            assertThat(store.reserveMembers(group, members.size(), MEMBERS + 10)).isTrue();
            assertThat(store.addMembers(group, members, 0, System.currentTimeMillis())).hasSize(members.size());
            everyone.addAll(members);
        }
        assertThat(store.memberCount(group)).isEqualTo(MEMBERS);

        String carol = Parley.user("carol");
        try (WsClient b = OwnRuntime.connect(runtime, bob)) {
            Api.Reply joined = as(alice).post(path(group) + "/members", "{\"members\":[\"" + carol + "\"]}");
            assertThat(joined.status()).isEqualTo(200);

            JsonNode frame = b.await(f -> "members".equals(f.path("type").asText()) && group.equals(f.path("conversationId").asText())
                    && f.path("added").toString().contains(carol), Duration.ofSeconds(120));
            assertThat(frame.toString().getBytes(StandardCharsets.UTF_8).length)
                    .as("the frame of a join to a 10,000-member group").isLessThan(1_000)
                    .isLessThan(AwsLimits.WEBSOCKET_MESSAGE_BYTES);
            assertThat(frame.get("memberCount").asLong()).isEqualTo(MEMBERS + 1);
            assertThat(frame.get("added")).extracting(JsonNode::asText).containsExactly(carol);
            assertThat(frame.get("by").asText()).isEqualTo(alice);
            assertThat(frame.has("members")).as("no member list in the frame").isFalse();

            // The same change is an entry of the group's timeline, with the seq the frame names
            // (read back with history: its push is fan-out's, to 10,000 members).
            long seq = frame.get("seq").asLong();
            JsonNode history = b.request(WsClient.JSON.createObjectNode().put("action", "history").put("conversationId", group));
            assertThat(history.get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(1L, seq);
            JsonNode entry = history.get("messages").get(1);
            assertThat(entry.get("kind").asText()).isEqualTo("member");
            assertThat(entry.get("senderId").asText()).isEqualTo(alice);
            assertThat(entry.get("body").get("added")).extracting(JsonNode::asText).containsExactly(carol);
            assertThat(entry.get("body").get("memberCount").asLong()).isEqualTo(MEMBERS + 1);
        }

        // The member list, page after page: every member once, in user id order, with the count.
        everyone.add(carol);
        Set<String> listed = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Api.Reply page = as(carol).get(path(group) + "/members?limit=500"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("memberCount").asLong()).isEqualTo(MEMBERS + 1);
            assertThat(page.body().get("members").size()).isLessThanOrEqualTo(500);
            for (JsonNode member : page.body().get("members")) {
                assertThat(listed.add(member.get("userId").asText())).as("listed once: " + member).isTrue();
                order.add(member.get("userId").asText());
                assertThat(member.get("admin").asBoolean()).isEqualTo(member.get("userId").asText().equals(alice));
            }
            cursor = page.body().has("cursor") ? page.body().get("cursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(everyone);
        assertThat(order).isSorted();
        assertThat(pages).isEqualTo((MEMBERS + 1 + 499) / 500);

        // Read positions are offered in small groups only: this one answers its count and none.
        Api.Reply reads = as(carol).get(path(group) + "/reads");
        assertThat(reads.status()).isEqualTo(200);
        assertThat(reads.body().get("memberCount").asLong()).isEqualTo(MEMBERS + 1);
        assertThat(reads.body().get("reads").size()).isZero();

        // Not a member: no page.
        assertThat(as(Parley.user("outsider")).get(path(group) + "/members").status()).isEqualTo(403);
        assertThat(as(carol).get(path(group) + "/members?cursor=bm9wZQ").status()).isEqualTo(400);
    }
}
