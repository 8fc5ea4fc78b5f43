package dev.parley.it.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The LocalStack backend itself (issue 3, item 4): with {@code -Plocalstack} the runtime keeps its
 * tables in LocalStack and drives fan-out from LocalStack's DynamoDB Streams, our WebSocket gateway
 * in front. These tests prove the wiring is real (the tables are found in LocalStack, a push comes
 * from its stream); the behaviour suites (dev.parley.it.reliability, and the shared runtime's
 * tests) run on the same backend under the profile.
 */
@EnabledIfSystemProperty(named = Backend.PROPERTY, matches = Backend.LOCALSTACK,
        disabledReason = "runs against LocalStack with mvn verify -Plocalstack (needs Docker and LOCALSTACK_AUTH_TOKEN)")
class LocalStackBackendTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalRuntime runtime;
    private static DynamoDbClient localStack;

    /** Started by the first test, so that a missing precondition skips each test with its reason. */
    @BeforeEach
    void start() throws Exception {
        if (runtime != null) {
            return;
        }
        LocalRuntime.Options.Builder options = Backend.options(); // skips when LocalStack cannot run here
        runtime = LocalRuntime.start(options.port(0).build());
        LocalStack.Endpoint endpoint = LocalStack.endpoint();
        localStack = DynamoDbClient.builder()
                .endpointOverride(endpoint.uri())
                .region(endpoint.region())
                .credentialsProvider(endpoint.credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
        if (localStack != null) {
            localStack.close();
            localStack = null;
        }
    }

    @Test
    void theFunctionsTablesAndTheMessagesStreamAreLocalStacks() {
        assertThat(runtime.config().get(Setting.DYNAMODB_ENDPOINT)).isEqualTo(LocalStack.endpoint().uri().toString());
        for (Setting table : new Setting[] {Setting.CONNECTIONS_TABLE, Setting.CONVERSATIONS_TABLE,
                Setting.MESSAGES_TABLE, Setting.IDEMPOTENCY_TABLE}) {
            String name = runtime.config().get(table);
            assertThat(localStack.listTables().tableNames()).as("LocalStack's tables").contains(name);
        }
        TableDescription messages = localStack.describeTable(d -> d.tableName(runtime.config().get(Setting.MESSAGES_TABLE)))
                .table();
        assertThat(messages.streamSpecification().streamEnabled()).isTrue();
        assertThat(messages.latestStreamArn()).isNotBlank();
    }

    @Test
    void aMessageSentThroughOurGatewayIsStoredInLocalStackAndPushedFromItsStream() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + run;
        String bob = "bob-" + run;
        try (WsClient a = WsClient.connect(runtime.websocketUrl(), token(alice));
             WsClient b = WsClient.connect(runtime.websocketUrl(), token(bob))) {
            JsonNode sent = a.send(bob, "m1", "hello through LocalStack");
            assertThat(sent.get("type").asText()).as(sent.toString()).isEqualTo("sent");
            assertThat(sent.get("seq").asLong()).isEqualTo(1);
            // bob never syncs: this frame came from LocalStack's stream through our poller and fan-out.
            JsonNode pushed = b.await(WsClient.messageIn(ConversationId.direct(alice, bob)));
            assertThat(pushed.get("body").get("text").asText()).isEqualTo("hello through LocalStack");

            Map<String, AttributeValue> item = localStack.getItem(g -> g
                    .tableName(runtime.config().get(Setting.MESSAGES_TABLE))
                    .key(Map.of(Tables.Messages.CONVERSATION_ID, AttributeValue.fromS(ConversationId.direct(alice, bob)),
                            Tables.Messages.SEQ, AttributeValue.fromN("1")))
                    .consistentRead(true)).item();
            assertThat(item.get(Tables.Messages.CLIENT_MSG_ID).s()).isEqualTo("m1");

            // The same clientMsgId again: the conditional writes hold on LocalStack too.
            assertThat(a.send(bob, "m1", "hello through LocalStack").get("seq").asLong()).isEqualTo(1);
        }
    }

    private static String token(String userId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.connectionsUrl() + "/dev/token"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return WsClient.JSON.readTree(response.body()).get("token").asText();
    }
}
