package dev.parley.it.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Protocol v2's group administration over HTTP and real sockets: the creator is the first admin,
 * only admins rename, add, remove others, promote, demote and delete others' messages, the group
 * always keeps an admin, and every change reaches the members as a {@code members} frame.
 */
class GroupAdminsTest {

    private static Predicate<JsonNode> membersFrame(String group, Predicate<JsonNode> what) {
        return f -> "members".equals(f.path("type").asText()) && group.equals(f.path("conversationId").asText())
                && what.test(f);
    }

    private static List<String> texts(JsonNode array) {
        return array == null ? List.of() : java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText).toList();
    }

    /** The group's admins as its member list (GET /groups/{id}/members) says, asked by a member. */
    private static List<String> admins(String asMember, String group) {
        Api.Reply page = Api.as(asMember).get("/groups/" + group + "/members?limit=500");
        assertThat(page.status()).isEqualTo(200);
        List<String> admins = new java.util.ArrayList<>();
        page.body().get("members").forEach(m -> {
            if (m.get("admin").asBoolean()) {
                admins.add(m.get("userId").asText());
            }
        });
        return admins;
    }

    private static void refused(Api.Reply reply, int status, String code) {
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(status);
        assertThat(reply.body().get("code").asText()).isEqualTo(code);
    }

    @Test
    void theCreatorIsTheFirstAdminAndOnlyAdminsChangeTheGroup() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String dave = Parley.user("dave");
        Api aliceApi = Api.as(alice);
        Api bobApi = Api.as(bob);
        try (WsClient b = Parley.connect(bob); WsClient c = Parley.connect(carol)) {
            Api.Reply created = aliceApi.post("/groups", "{\"name\":\"team\",\"members\":[\"" + bob + "\",\"" + carol + "\"]}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(texts(created.body().get("admins"))).containsExactly(alice);
            String group = created.body().get("conversationId").asText();
            b.await(membersFrame(group, f -> f.path("created").asBoolean() && f.get("memberCount").asLong() == 3));
            assertThat(admins(bob, group)).containsExactly(alice);

            // A member who is no admin: every change refused, nothing changed.
            refused(bobApi.patch("/groups/" + group, "{\"name\":\"bob's\"}"), 403, "FORBIDDEN");
            refused(bobApi.post("/groups/" + group + "/members", "{\"members\":[\"" + dave + "\"]}"), 403, "FORBIDDEN");
            refused(bobApi.delete("/groups/" + group + "/members/" + carol), 403, "FORBIDDEN");
            refused(bobApi.put("/groups/" + group + "/admins/" + bob, ""), 403, "FORBIDDEN");
            refused(bobApi.delete("/groups/" + group + "/admins/" + alice), 403, "FORBIDDEN");
            assertThat(Stored.items().members(group)).containsExactlyInAnyOrder(alice, bob, carol);
            assertThat(groupName(bob, group)).isEqualTo("team");

            // The admin renames: every member hears it, and their sync-store entries carry the name.
            Api.Reply renamed = aliceApi.patch("/groups/" + group, "{\"name\":\"  launch  \"}");
            assertThat(renamed.status()).isEqualTo(200);
            assertThat(renamed.body().get("name").asText()).isEqualTo("launch");
            assertThat(texts(renamed.body().get("members"))).containsExactlyInAnyOrder(alice, bob, carol);
            JsonNode heard = c.await(membersFrame(group, f -> f.path("renamed").asBoolean()));
            assertThat(heard.get("name").asText()).isEqualTo("launch");
            assertThat(heard.get("by").asText()).isEqualTo(alice);
            assertThat(groupName(bob, group)).isEqualTo("launch");
            refused(aliceApi.patch("/groups/" + group, "{\"name\":\"   \"}"), 400, "BAD_REQUEST");
            refused(aliceApi.patch("/groups/" + group, "{\"title\":\"x\"}"), 400, "BAD_REQUEST");

            // Promotion: bob becomes admin (twice: no change) and may now do what admins do.
            assertThat(aliceApi.put("/groups/" + group + "/admins/" + bob, "").status()).isEqualTo(204);
            assertThat(aliceApi.put("/groups/" + group + "/admins/" + bob, "").status()).isEqualTo(204);
            JsonNode promoted = c.await(membersFrame(group, f -> texts(f.get("promoted")).equals(List.of(bob))));
            assertThat(promoted.get("memberCount").asLong()).isEqualTo(3);
            assertThat(admins(carol, group)).containsExactlyInAnyOrder(alice, bob);
            Api.Reply added = bobApi.post("/groups/" + group + "/members", "{\"members\":[\"" + dave + "\"]}");
            assertThat(added.status()).isEqualTo(200);
            assertThat(texts(added.body().get("admins"))).containsExactlyInAnyOrder(alice, bob);
            refused(bobApi.put("/groups/" + group + "/admins/" + Parley.user("stranger"), ""), 404, "NOT_FOUND");

            // Deleting others' messages: an admin may, a member may not.
            JsonNode carolsMessage = MessageEventsTest.ok(c.sendTo(group, "c1", "from carol"));
            JsonNode bobsMessage = MessageEventsTest.ok(b.sendTo(group, "b1", "from bob"));
            JsonNode refusedDelete = MessageEventsTest.delete(c, group, bobsMessage.get("seq").asLong(), "d1");
            assertThat(refusedDelete.get("code").asText()).isEqualTo("FORBIDDEN");
            MessageEventsTest.ok(MessageEventsTest.delete(b, group, carolsMessage.get("seq").asLong(), "d2"));

            // Demotion, then bob is a member like any other again.
            assertThat(aliceApi.delete("/groups/" + group + "/admins/" + bob).status()).isEqualTo(204);
            JsonNode demoted = c.await(membersFrame(group, f -> texts(f.get("demoted")).equals(List.of(bob))));
            assertThat(admins(carol, group)).containsExactly(alice);
            assertThat(aliceApi.delete("/groups/" + group + "/admins/" + bob).status()).as("no admin: no change").isEqualTo(204);
            refused(bobApi.delete("/groups/" + group + "/members/" + dave), 403, "FORBIDDEN");
            assertThat(Stored.items().members(group)).containsExactlyInAnyOrder(alice, bob, carol, dave);
            // Any member may leave.
            assertThat(Api.as(dave).delete("/groups/" + group + "/members/" + dave).status()).isEqualTo(204);
            c.await(membersFrame(group, f -> texts(f.get("removed")).equals(List.of(dave))));
        }
    }

    @Test
    void theLastAdminCannotLeaveOrStepDownWithoutNamingAnother() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        Api aliceApi = Api.as(alice);
        String group = aliceApi.createGroup("team", bob, carol);
        try (WsClient b = Parley.connect(bob)) {
            refused(aliceApi.delete("/groups/" + group + "/members/" + alice), 403, "FORBIDDEN");
            refused(aliceApi.delete("/groups/" + group + "/admins/" + alice), 403, "FORBIDDEN");
            refused(aliceApi.delete("/groups/" + group + "/members/" + alice + "?successor=" + alice), 400, "BAD_REQUEST");
            refused(Api.as(bob).delete("/groups/" + group + "/members/" + bob + "?successor=" + carol), 403, "FORBIDDEN");
            assertThat(Stored.items().members(group)).containsExactlyInAnyOrder(alice, bob, carol);

            // Naming a successor: one change, heard as one frame.
            assertThat(aliceApi.delete("/groups/" + group + "/members/" + alice + "?successor=" + carol).status())
                    .isEqualTo(204);
            JsonNode left = b.await(membersFrame(group, f -> texts(f.get("removed")).equals(List.of(alice))));
            assertThat(texts(left.get("promoted"))).containsExactly(carol);
            assertThat(left.get("memberCount").asLong()).isEqualTo(2);
            assertThat(admins(bob, group)).containsExactly(carol);
            JsonNode page = Api.as(bob).get("/groups/" + group + "/members").body();
            assertThat(page.get("members")).extracting(m -> m.get("userId").asText()).containsExactlyInAnyOrder(bob, carol);

            // The new last admin may step down once another admin exists.
            Api carolApi = Api.as(carol);
            refused(carolApi.delete("/groups/" + group + "/admins/" + carol), 403, "FORBIDDEN");
            assertThat(carolApi.put("/groups/" + group + "/admins/" + bob, "").status()).isEqualTo(204);
            assertThat(carolApi.delete("/groups/" + group + "/admins/" + carol).status()).isEqualTo(204);
            assertThat(carolApi.delete("/groups/" + group + "/members/" + carol).status()).isEqualTo(204);
            // The last member may leave a group they administer alone.
            assertThat(Api.as(bob).delete("/groups/" + group + "/members/" + bob).status()).isEqualTo(204);
            assertThat(Stored.items().members(group)).isEmpty();
        }
        refused(aliceApi.put("/groups/grp:nosuchgroup/admins/" + bob, ""), 404, "NOT_FOUND");
        refused(aliceApi.patch("/groups/" + "dm:" + alice + ":" + bob, "{\"name\":\"x\"}"), 404, "NOT_FOUND");
    }

    /** The group's name in the user's v2 sync (their sync-store entry). */
    private static String groupName(String user, String group) {
        return BlocksAndMuteTest.stateOf(BlocksAndMuteTest.syncStates(user), group).orElseThrow().get("name").asText();
    }
}
