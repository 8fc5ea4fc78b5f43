package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 2: every route has a per-user budget at its documented default, so a flood is
 * refused with {@code RATE_LIMITED} (HTTP 429) long before it costs what it did (5,000 heartbeats
 * all answered; 1,500 acks, 1,500 items; one sync of 1,500 foreign cursors, about 3,000 reads),
 * and the flooder's neighbours are still served. Measured by what is answered, stored and read
 * (capacity units), never by time.
 */
class RouteBudgetAttackTest {
    private static final int FLOOD = 1_000;
    private final Target target = Target.defaults();

    @Test
    void pipelinedHeartbeatsMeetABudgetAndAnotherUsersHeartbeatIsStillAnswered() {
        String mallory = Target.user("mallory");
        try (WsClient m = target.connect(mallory); WsClient victim = target.connect(Target.user("victim"))) {
            for (int i = 0; i < FLOOD; i++) {
                m.sendText("{\"action\":\"heartbeat\",\"requestId\":\"hb-" + i + "\"}");
            }
            assertThat(victim.heartbeat().get("type").asText()).as("a neighbour's heartbeat during the flood").isEqualTo("pong");
            JsonNode refused = m.await(rateLimited("hb-"), Target.FLOOD_BACKLOG);
            assertThat(refused.get("retryAfterMs").asLong()).isPositive();
            assertThat(m.received(f -> f.path("requestId").asText().startsWith("hb-")
                    && "pong".equals(f.path("type").asText()))).as("heartbeats answered").hasSizeLessThan(FLOOD);
            assertThat(target.stored().connectionsOf(mallory)).hasSize(1);
        }
        target.othersStillChat();
    }

    @Test
    void acksAndReadsIntoConversationsThatDoNotExistStoreNothing() {
        String mallory = Target.user("mallory");
        List<String> invented = new ArrayList<>();
        try (WsClient m = target.connect(mallory)) {
            for (int i = 0; i < 20; i++) {
                String conversation = ConversationId.direct(mallory, "nobody-" + i + "-" + Target.user("x"));
                invented.add(conversation);
                for (String action : List.of("ack", "read")) {
                    JsonNode reply = m.request(Target.frame(action).put("conversationId", conversation).put("seq", 7));
                    assertThat(reply.path("type").asText()).as(action + " into " + conversation).isEqualTo("error");
                    assertThat(reply.path("code").asText()).as(action).isIn("NOT_MEMBER", "NOT_FOUND", "RATE_LIMITED");
                }
            }
            Target.stillServes(m);
        }
        for (String conversation : invented) {
            assertThat(target.stored().conversationItems(conversation)).as("items stored for " + conversation).isEmpty();
        }
        target.othersStillChat();
    }

    @Test
    void readsMeetABudget() {
        String mallory = Target.user("mallory");
        String bob = Target.user("bob");
        try (WsClient m = target.connect(mallory)) {
            JsonNode sent = m.send(bob, "one", "one message to read");
            String conversation = sent.get("conversationId").asText();
            // read has no reply when it is accepted: pipeline them and wait for the refusal.
            for (int i = 0; i < FLOOD; i++) {
                m.sendText(Target.frame("read").put("conversationId", conversation).put("seq", 1)
                        .put("requestId", "rd-" + i).toString());
            }
            assertThat(m.await(rateLimited("rd-"), Target.FLOOD_BACKLOG).get("retryAfterMs").asLong()).isPositive();
            Target.stillServes(m);
        }
        target.othersStillChat();
    }

    @Test
    void conversationListsAndPresenceQueriesMeetABudget() {
        String mallory = Target.user("mallory");
        Api api = target.api(mallory);
        for (String path : List.of("/conversations", "/presence?users=a,b,c")) {
            int answered = 0;
            Api.Reply reply = api.get(path);
            while (reply.status() == 200 && answered < FLOOD) {
                answered++;
                reply = api.get(path);
            }
            assertThat(answered).as("GET " + path + " answered before a 429").isLessThan(FLOOD);
            assertThat(reply.status()).isEqualTo(429);
            assertThat(reply.body().get("code").asText()).isEqualTo("RATE_LIMITED");
        }
        assertThat(target.api(Target.user("bystander")).get("/conversations").status()).isEqualTo(200);
        target.othersStillChat();
    }

    @Test
    void blocksMutesAndGroupChangesMeetTheirBudgets() {
        String mallory = Target.user("mallory");
        String victim = Target.user("victim");
        Api api = target.api(mallory);
        String group = api.createGroup("churn", victim);
        String direct = ConversationId.direct(mallory, victim);
        List<Supplier<Api.Reply>> floods = List.of(
                () -> api.put("/blocks/" + victim, ""),
                () -> api.put("/conversations/" + direct + "/settings", "{\"muted\":true}"),
                () -> api.put("/groups/" + group + "/admins/" + victim, ""));
        for (var flood : floods) {
            int answered = 0;
            Api.Reply reply = flood.get();
            while (reply.status() < 300 && answered < FLOOD) {
                answered++;
                reply = flood.get();
            }
            assertThat(answered).as("answered before a 429").isLessThan(FLOOD);
            assertThat(reply.status()).isEqualTo(429);
            assertThat(reply.body().get("code").asText()).isEqualTo("RATE_LIMITED");
        }
        assertThat(target.api(Target.user("bystander")).get("/blocks").status()).isEqualTo(200);
        target.othersStillChat();
    }

    @Test
    void aSyncOfFifteenHundredForeignCursorsCostsNextToNothing() {
        String mallory = Target.user("mallory");
        try (WsClient m = target.connect(mallory)) {
            ObjectNode sync = Target.frame("sync").put("limit", 50);
            ObjectNode cursors = sync.putObject("cursors");
            // Short ids keep the frame under the gateway's 32 KB frame limit: the cursors are what is tested.
            for (int i = 0; i < 1_500; i++) {
                cursors.put("grp:n" + i, 0);
            }
            Target.meter().reset();
            JsonNode reply = m.request(sync);
            double reads = Target.meter().totalReadUnits();
            if ("error".equals(reply.path("type").asText())) {
                assertThat(reply.get("code").asText()).isIn("BAD_REQUEST", "RATE_LIMITED");
            } else {
                assertThat(reply.get("conversations")).isEmpty();
            }
            // Today about 3,000 reads; a cap on cursors keeps one frame's cost to a page of them.
            assertThat(reads).as("read units one sync frame cost").isLessThan(300);
            Target.stillServes(m);
        }
        target.othersStillChat();
    }

    /** A RATE_LIMITED error answering one of the frames whose requestId starts with the prefix. */
    private static Predicate<JsonNode> rateLimited(String requestIdPrefix) {
        return f -> f.path("requestId").asText().startsWith(requestIdPrefix) && "error".equals(f.path("type").asText())
                && "RATE_LIMITED".equals(f.path("code").asText());
    }
}
