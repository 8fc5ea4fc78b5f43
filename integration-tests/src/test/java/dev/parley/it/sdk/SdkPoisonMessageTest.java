package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ParleyClient;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 13, item 4: a body nested 997 levels deep, which the server accepted before it refused
 * bodies deeper than FrameCodec.MAX_BODY_DEPTH, made every synced page holding it too deep for
 * the SDK's parser: the victim's connect() never completed and nothing was delivered, from any
 * conversation. Anyone can DM anyone.
 */
class SdkPoisonMessageTest {

    @Test
    void anAttackersDeeplyNestedDmCannotStallTheVictimsClient() {
        String mallory = Parley.user("mallory");
        String victim = Parley.user("victim");
        String friend = Parley.user("friend");
        String poisoned = ConversationId.direct(mallory, victim);
        String friendly = ConversationId.direct(friend, victim);
        try (ParleyClient attacker = Sdk.connect(mallory, "phone", new Sdk.App("mallory"));
             ParleyClient friendClient = Sdk.connect(friend, "phone", new Sdk.App("friend"))) {
            long bait = attacker.sendText(To.user(victim), "bait").join().seq();
            friendClient.sendText(To.user(victim), "hello").join();
            // The server refuses such a body now, so the message is planted as one stored before
            // the limit: the stored body of the attacker's message becomes 997 levels deep.
            plantBody(poisoned, bait, nested(997));

            Sdk.App victimApp = new Sdk.App("victim");
            try (ParleyClient victimClient = Sdk.connect(victim, "phone", victimApp)) { // connect() completes
                Sdk.await().until(() -> victimApp.texts(friendly).contains("hello"));
                Sdk.await().until(() -> victimApp.seqs(poisoned).contains(bait));
                attacker.sendText(To.user(victim), "after").join();
                friendClient.sendText(To.user(victim), "still here").join();
                Sdk.await().until(() -> victimApp.texts(poisoned).contains("after"));
                Sdk.await().until(() -> victimApp.texts(friendly).contains("still here"));
                victimApp.sawExactlyTheStoredTimeline(poisoned);
                victimApp.sawExactlyTheStoredTimeline(friendly);
                assertThat(victimApp.in(poisoned).get(0).body()).isNotNull(); // delivered as it was stored
            }
        }
    }

    private static void plantBody(String conversationId, long seq, String body) {
        var runtime = Parley.runtime();
        runtime.dynamo().updateItem(u -> u
                .tableName(runtime.config().get(Setting.MESSAGES_TABLE))
                .key(Map.of(Tables.Messages.CONVERSATION_ID, AttributeValue.fromS(conversationId),
                        Tables.Messages.SEQ, AttributeValue.fromN(Long.toString(seq))))
                .updateExpression("SET #b = :b")
                .expressionAttributeNames(Map.of("#b", Tables.Messages.BODY))
                .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(body))));
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }
}
