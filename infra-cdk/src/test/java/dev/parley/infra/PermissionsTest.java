package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.logicalId;
import static dev.parley.infra.SynthesizedStack.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.services.iam.IRole;

class PermissionsTest {
    private static final TableDefinition CONNECTIONS = Tables.Connections.DEFINITION;
    private static final TableDefinition CONVERSATIONS = Tables.Conversations.DEFINITION;
    private static final TableDefinition MESSAGES = Tables.Messages.DEFINITION;
    private static final TableDefinition IDEMPOTENCY = Tables.Idempotency.DEFINITION;

    @Test
    void onlyTheFunctionsThatPushMayPostToConnections() {
        Map<String, Map<String, Object>> posting = TEMPLATE.findResources("AWS::IAM::Policy", Map.of(
                "Properties", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Action", "execute-api:ManageConnections"))))))));
        assertThat(posting).hasSize(ParleyStack.POSTERS.size());
        for (ParleyHandler poster : ParleyStack.POSTERS) {
            TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                    "Roles", List.of(ref(role(poster))),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "Action", "execute-api:ManageConnections",
                            "Resource", SynthesizedStack.joinContaining(":execute-api:",
                                    "/" + ParleyStack.STAGE_NAME + "/*/@connections/*"))))))));
        }
    }

    @Test
    void authorizerAndDefaultRouteTouchNoTable() {
        for (ParleyHandler handler : List.of(ParleyHandler.CONNECT_AUTHORIZER, ParleyHandler.DEFAULT_ROUTE)) {
            TEMPLATE.resourcePropertiesCountIs("AWS::IAM::Policy", Map.of("Roles", List.of(ref(role(handler)))), 0);
        }
    }

    @Test
    void connectionLifecycleHandlersUseTheConnectionsTableAndConnectAlsoPresence() {
        for (ParleyHandler handler : List.of(ParleyHandler.CONNECT, ParleyHandler.DISCONNECT, ParleyHandler.HEARTBEAT)) {
            assertCanWrite(handler, CONNECTIONS);
            assertNoAccess(handler, MESSAGES, IDEMPOTENCY);
        }
        for (ParleyHandler handler : List.of(ParleyHandler.DISCONNECT, ParleyHandler.HEARTBEAT)) {
            assertNoAccess(handler, CONVERSATIONS);
        }
        // Connecting publishes "online" to the direct-conversation peers it finds in conversations.
        assertCanWrite(ParleyHandler.CONNECT, Tables.Presence.DEFINITION);
        assertCanOnlyRead(ParleyHandler.CONNECT, CONVERSATIONS);
    }

    @Test
    void onlyRateLimitedRoutesReachTheBuckets() {
        for (ParleyHandler handler : List.of(ParleyHandler.SEND, ParleyHandler.SYNC, ParleyHandler.HISTORY,
                ParleyHandler.CONVERSATIONS)) {
            assertCanWrite(handler, Tables.RateLimits.DEFINITION);
        }
        for (ParleyHandler handler : List.of(ParleyHandler.CONNECT, ParleyHandler.FANOUT, ParleyHandler.READ,
                ParleyHandler.GROUPS)) {
            assertNoAccess(handler, Tables.RateLimits.DEFINITION);
        }
    }

    @Test
    void httpHandlersGetWhatTheirRoutesNeed() {
        assertCanWrite(ParleyHandler.GROUPS, CONVERSATIONS);
        assertNoAccess(ParleyHandler.GROUPS, MESSAGES, IDEMPOTENCY);
        assertCanOnlyRead(ParleyHandler.CONVERSATIONS, CONVERSATIONS);
        assertNoAccess(ParleyHandler.CONVERSATIONS, CONNECTIONS, IDEMPOTENCY);
        assertCanOnlyRead(ParleyHandler.PRESENCE, CONNECTIONS);
        assertCanOnlyRead(ParleyHandler.PRESENCE, Tables.Presence.DEFINITION);
        assertNoAccess(ParleyHandler.PRESENCE, CONVERSATIONS, MESSAGES, IDEMPOTENCY);
    }

    @Test
    void sendWritesConversationsMessagesAndIdempotencyAndReadsConnections() {
        assertCanWrite(ParleyHandler.SEND, CONVERSATIONS);
        assertCanWrite(ParleyHandler.SEND, MESSAGES);
        assertCanWrite(ParleyHandler.SEND, IDEMPOTENCY);
        assertCanOnlyRead(ParleyHandler.SEND, CONNECTIONS);
    }

    @Test
    void syncFamilyWritesConversationsAndMessagesAndReadsConnections() {
        for (ParleyHandler handler : List.of(ParleyHandler.SYNC, ParleyHandler.HISTORY, ParleyHandler.ACK,
                ParleyHandler.READ)) {
            assertCanWrite(handler, CONVERSATIONS);
            assertCanWrite(handler, MESSAGES);
            assertNoAccess(handler, IDEMPOTENCY);
        }
        for (ParleyHandler handler : List.of(ParleyHandler.SYNC, ParleyHandler.HISTORY, ParleyHandler.ACK)) {
            assertCanOnlyRead(handler, CONNECTIONS);
        }
        assertCanWrite(ParleyHandler.READ, CONNECTIONS);
    }

    @Test
    void fanoutDeletesGoneConnectionsReadsMembersAndReadsTheMessagesStream() {
        assertCanWrite(ParleyHandler.FANOUT, CONNECTIONS);
        assertCanOnlyRead(ParleyHandler.FANOUT, CONVERSATIONS);
        assertNoAccess(ParleyHandler.FANOUT, IDEMPOTENCY);
        TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(ref(role(ParleyHandler.FANOUT))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", Match.arrayWith(List.of("dynamodb:GetRecords", "dynamodb:GetShardIterator")),
                        "Resource", getAtt(STACK.table(MESSAGES), "StreamArn"))))))));
    }

    @Test
    void fanoutMayOnlySendToItsDeadLetterQueue() {
        TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(ref(role(ParleyHandler.FANOUT))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", Match.arrayWith(List.of("sqs:SendMessage")),
                        "Resource", getAtt(STACK.getNode().findChild("FanoutDeadLetterQueue"), "Arn"))))))));
    }

    private static IRole role(ParleyHandler handler) {
        return function(handler).function().getRole();
    }

    private static Map<String, Object> policyWith(ParleyHandler handler, String action, TableDefinition table) {
        return Map.of("Properties", Map.of(
                "Roles", List.of(ref(role(handler))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", Match.arrayWith(List.of(action)),
                        "Resource", Match.arrayWith(List.of(getAtt(STACK.table(table), "Arn"))))))))));
    }

    private static void assertCanWrite(ParleyHandler handler, TableDefinition table) {
        assertThat(TEMPLATE.findResources("AWS::IAM::Policy", policyWith(handler, "dynamodb:PutItem", table)))
                .as("%s writes %s", handler, table.envVar()).hasSize(1);
    }

    private static void assertCanOnlyRead(ParleyHandler handler, TableDefinition table) {
        assertThat(TEMPLATE.findResources("AWS::IAM::Policy", policyWith(handler, "dynamodb:Query", table)))
                .as("%s reads %s", handler, table.envVar()).hasSize(1);
        for (String write : List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem")) {
            assertThat(TEMPLATE.findResources("AWS::IAM::Policy", policyWith(handler, write, table)))
                    .as("%s must not %s on %s", handler, write, table.envVar()).isEmpty();
        }
    }

    private static void assertNoAccess(ParleyHandler handler, TableDefinition... tables) {
        Map<String, Map<String, Object>> policies = TEMPLATE.findResources("AWS::IAM::Policy",
                Map.of("Properties", Match.objectLike(Map.of("Roles", List.of(ref(role(handler)))))));
        for (TableDefinition table : tables) {
            assertThat(policies.values().toString())
                    .as("%s must not reach %s", handler, table.envVar())
                    .doesNotContain(logicalId(STACK.table(table)));
        }
    }
}
