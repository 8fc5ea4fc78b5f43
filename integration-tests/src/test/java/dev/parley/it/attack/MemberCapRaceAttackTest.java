package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Api;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: four concurrent adds of 40 users to a 449-member group all succeeded (610
 * members). The cap of 500 holds under concurrency: one add fits, the others are refused with
 * their code and add nobody.
 */
class MemberCapRaceAttackTest {
    private static final int CAP = 500;
    private static LocalRuntime runtime;
    private static Target target;

    /** The default cap is 10,000; the race is the same at 500 and a 449-member group is quicker to make. */
    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .setting(Setting.MAX_GROUP_MEMBERS, Integer.toString(CAP)).setting(Setting.LOG_LEVEL, "WARN").build());
        target = Target.on(runtime);
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
    }

    @Test
    void concurrentAddsNeverTakeAGroupPastItsCap() {
        String owner = Target.user("owner");
        List<String> adders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            adders.add(Target.user("adder" + i));
        }
        List<String> initial = new ArrayList<>(adders);
        while (initial.size() < 448) {
            initial.add(Target.user("m" + initial.size()));
        }
        String group = target.api(owner).createGroup("crowded", initial.toArray(String[]::new));
        assertThat(target.stored().members(group)).hasSize(449);
        for (String adder : adders) { // only admins add members
            assertThat(target.api(owner).put("/groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/admins/"
                    + adder, "").status()).isEqualTo(204);
        }

        // Four threads of their own: the common pool may have one thread on two cores.
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<CompletableFuture<Api.Reply>> adds = new ArrayList<>();
        for (int a = 0; a < adders.size(); a++) {
            var members = WsClient.JSON.createArrayNode();
            for (int i = 0; i < 40; i++) {
                members.add(Target.user("new" + a + "-" + i));
            }
            Api api = target.api(adders.get(a));
            String body = WsClient.JSON.createObjectNode().set("members", members).toString();
            adds.add(CompletableFuture.supplyAsync(() -> api.post("/groups/"
                    + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/members", body), threads));
        }
        List<Api.Reply> replies = adds.stream().map(CompletableFuture::join).toList();
        threads.shutdown();
        long accepted = replies.stream().filter(reply -> reply.status() == 200).count();
        assertThat(accepted).as("adds that fit under the cap, of statuses "
                + replies.stream().map(Api.Reply::status).toList()).isEqualTo(1);
        assertThat(replies.stream().filter(reply -> reply.status() != 200)).allSatisfy(refused -> {
            assertThat(refused.status()).isIn(400, 409);
            assertThat(refused.body().get("code").asText()).isIn("BAD_REQUEST", "CONFLICT");
            assertThat(refused.body().get("message").asText()).contains(Integer.toString(CAP));
        });
        assertThat(target.stored().members(group)).hasSize(449 + 40).hasSizeLessThanOrEqualTo(CAP);
        assertThat(target.api(owner).get("/conversations").status()).isEqualTo(200);
        target.othersStillChat();
    }
}
