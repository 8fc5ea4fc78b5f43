package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.testsupport.metering.CapacityMeter;
import dev.parley.model.domain.ConversationId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one direct message costs in DynamoDB capacity, measured with ReturnConsumedCapacity on a
 * runtime of its own (so other tests' traffic is not counted). Capacity units are deterministic,
 * unlike timings, so the budget is asserted; the breakdown is printed for docs/data-model.md.
 */
class ConsumedCapacityTest {
    private static final CapacityMeter METER = new CapacityMeter();
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        // One send a second sustained: the lease the first send takes (half the burst of 50) covers
        // 24 s, so every later send of the test spends a leased token, whatever the machine's load.
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0).dynamoInterceptor(METER)
                .setting(Setting.SEND_RATE, "1").build());
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
    }

    @Test
    void aDirectMessageCostsThreeWriteUnitsPlusThreePerMemberInTheSyncStoreAndOneReadUnitPerRecipientUser() throws Exception {
        try (WsClient alice = WsClient.connect(runtime.websocketUrl(), token("alice"));
             WsClient bob = WsClient.connect(runtime.websocketUrl(), token("bob"))) {
            METER.reset();
            alice.send("bob", "first", "hello"); // the first message also records the two members and leases budget
            bob.await(WsClient.messageIn(ConversationId.direct("alice", "bob")));
            awaitFanoutDone(6.0);
            METER.reset();

            alice.send("bob", "second", "how are you?");
            bob.await(f -> "second".equals(f.path("clientMsgId").asText()));
            awaitFanoutDone(6.0);

            System.out.println("CAPACITY direct message write units " + METER.writeUnits());
            System.out.println("CAPACITY direct message read units " + METER.readUnits());
            // counter + idempotency claim + message, each under 1 KB (the budget's token is one the
            // first send leased: no rate-limit write for a user well under budget); then fan-out
            // applies the message to both members' sync-store entries: per entry 1 WRU for the item
            // and 2 for moving it in byChange; byActiveHour (keys only) is not written within the
            // hour; no badge counter for a recipient without a push device (docs/data-model.md)
            assertThat(METER.writeUnits()).containsEntry("parley-inbox UpdateItem", 6.0);
            assertThat(METER.totalWriteUnits()).isEqualTo(3.0 + 6.0);
            assertThat(METER.writeUnits()).containsOnlyKeys("parley-conversations UpdateItem", "parley-idempotency PutItem", "parley-messages PutItem",
                    "parley-inbox UpdateItem");
            // the send: one strongly consistent read of its idempotency record before the counter
            // (a resend is answered from it without drawing a seq, issue 13);
            // fan-out: one BatchGetItem of the two members' live items (eventually consistent,
            // 0.5 RRU each; they name the push devices, so no devices Query)
            assertThat(METER.readUnits()).containsEntry("parley-connections BatchGetItem", 1.0)
                    .containsEntry("parley-idempotency GetItem", 1.0)
                    .containsOnlyKeys("parley-connections BatchGetItem", "parley-idempotency GetItem");
            assertThat(METER.totalReadUnits()).isEqualTo(2.0);
            assertThat(METER.conditionalFailures()).isZero();

            // A heartbeat less than 55 s after the connect (which wrote lastActiveAt) writes nothing.
            measure("heartbeat", () -> assertThat(alice.heartbeat().path("type").asText()).isEqualTo("pong"));
            assertThat(METER.totalWriteUnits()).isZero();
            assertThat(METER.totalReadUnits()).isZero();

            // With a push device (here an offline one), the recipient's badge counter moves too: 1 WRU more.
            assertThat(new dev.parley.it.support.Api(runtime.httpUrl(), token("bob"))
                    .put("/devices/tablet", "{\"platform\":\"fcm\",\"pushToken\":\"fcm:token-1234567\"}").status())
                    .isEqualTo(204);
            METER.reset();
            alice.send("bob", "third", "still there?");
            bob.await(f -> "third".equals(f.path("clientMsgId").asText()));
            awaitFanoutDone(7.0);
            System.out.println("CAPACITY direct message to a user with a push device write units " + METER.writeUnits()
                    + " read units " + METER.readUnits());
            assertThat(METER.writeUnits()).containsEntry("parley-inbox UpdateItem", 7.0);
        }
    }

    /**
     * Protocol v2's blocks, mute and group administration, each on its own: what each costs is
     * printed for docs/data-model.md; what protects the send path is asserted (a blocked send is
     * refused by the counter update's condition: no read, nothing stored).
     */
    @Test
    void blocksMuteAndAdminChangesCostAFewUnitsAndABlockedSendReadsNothingAndStoresNothing() throws Exception {
        dev.parley.it.support.Api carol = new dev.parley.it.support.Api(runtime.httpUrl(), token("carol"));
        try (WsClient dave = WsClient.connect(runtime.websocketUrl(), token("dave"))) {
            METER.reset();
            dave.send("carol", "hello", "hello"); // the conversation and both members exist
            awaitFanoutDone(6.0);
            METER.reset();
            String group = carol.createGroup("team", "dave", "erin");
            // The group's creation is an entry of its timeline: fan-out applies it to the three
            // members' sync-store entries (3 WRU each, no badge: never unread) before anything is measured.
            await().until(() -> METER.writeUnits().getOrDefault("parley-inbox UpdateItem", 0.0) >= 9.0);

            measure("block", () -> assertThat(carol.put("/blocks/dave", "").status()).isEqualTo(204));
            assertThat(METER.writeUnits()).containsOnlyKeys("parley-rate-limits UpdateItem",
                    "parley-inbox TransactWriteItems", "parley-conversations TransactWriteItems");
            measure("blocked send", () -> assertThat(dave.send("carol", "blocked", "hi?").path("code").asText())
                    .isEqualTo("BLOCKED"));
            assertThat(METER.writeUnits()).as("no claim, no message, no counter; the budget's token was leased")
                    .isEmpty();
            assertThat(METER.readUnits()).containsOnlyKeys("parley-idempotency GetItem");
            assertThat(METER.conditionalFailures()).as("the counter's condition").isEqualTo(1);
            measure("GET /blocks", () -> assertThat(carol.get("/blocks").status()).isEqualTo(200));
            measure("unblock", () -> assertThat(carol.delete("/blocks/dave").status()).isEqualTo(204));
            measure("mute", () -> assertThat(carol.put("/conversations/" + ConversationId.direct("carol", "dave")
                    + "/settings", "{\"muted\":true}").status()).isEqualTo(200));
            measure("rename a group of 3", () -> assertThat(carol.patch("/groups/" + group, "{\"name\":\"crew\"}")
                    .status()).isEqualTo(200));
            measure("promote", () -> assertThat(carol.put("/groups/" + group + "/admins/dave", "").status()).isEqualTo(204));
            measure("demote", () -> assertThat(carol.delete("/groups/" + group + "/admins/dave").status()).isEqualTo(204));
        }
    }

    private static void measure(String operation, Runnable call) {
        METER.reset();
        call.run();
        System.out.println("CAPACITY " + operation + " write units " + METER.writeUnits() + " read units "
                + METER.readUnits());
    }

    /**
     * A direct message's fan-out is done once both members' sync-store entries (and the recipient's
     * badge counter, if they have a push device) are written: 6 WRU in the inbox table, 7 with the
     * counter; the conversation's first message costs the same (new entries are inserted in both
     * indexes, 1 WRU each, instead of moved in one, 2); fan-out reads no devices table (the live item
     * names a user's push devices). A fan-out that writes less never gets here and the test fails on
     * the wait.
     */
    private static void awaitFanoutDone(double inboxUnits) {
        try {
            await().until(() -> METER.writeUnits().getOrDefault("parley-inbox UpdateItem", 0.0) >= inboxUnits);
        } catch (RuntimeException notYet) {
            System.out.println("CAPACITY so far: write units " + METER.writeUnits() + " read units " + METER.readUnits());
            throw notYet;
        }
    }

    private static String token(String user) {
        return OwnRuntime.token(runtime, user);
    }
}
