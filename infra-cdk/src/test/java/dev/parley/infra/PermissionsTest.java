package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.logicalId;
import static dev.parley.infra.SynthesizedStack.ref;
import static dev.parley.infra.SynthesizedStack.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.TableAccess;
import dev.parley.model.routes.TableOp;
import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.services.iam.IRole;

/** Least privilege, read from the catalogue: each function gets exactly the DynamoDB actions it lists. */
class PermissionsTest {
    @Test
    void everyFunctionGetsExactlyTheDynamoDbActionsItsCatalogueEntryLists() {
        for (FunctionSpec spec : Catalogue.ALL) {
            Map<String, Set<String>> expected = new TreeMap<>();
            for (TableAccess access : spec.tables()) {
                String id = logicalId(table(access.table()));
                Set<String> onTable = new TreeSet<>();
                access.ops().stream().filter(op -> op != TableOp.QUERY_INDEX).forEach(op -> onTable.add(op.iamAction()));
                if (!onTable.isEmpty()) {
                    expected.put(id, onTable);
                }
                if (access.ops().contains(TableOp.QUERY_INDEX)) {
                    expected.put(id + "/index/*", new TreeSet<>(Set.of("dynamodb:Query")));
                }
            }
            assertThat(tableGrants(spec)).as("DynamoDB grants of %s", spec.id()).isEqualTo(expected);
        }
    }

    @Test
    void noFunctionMayScanAndOnlyListedOnesBatchWriteOrDelete() {
        for (FunctionSpec spec : Catalogue.ALL) {
            Set<String> actions = new TreeSet<>();
            tableGrants(spec).values().forEach(actions::addAll);
            assertThat(actions).as(spec.id()).doesNotContain("dynamodb:Scan", "dynamodb:*");
            for (TableOp op : List.of(TableOp.BATCH_WRITE_ITEM, TableOp.DELETE_ITEM)) {
                boolean listed = spec.tables().stream().anyMatch(access -> access.ops().contains(op));
                if (!listed) {
                    assertThat(actions).as(spec.id()).doesNotContain(op.iamAction());
                }
            }
        }
    }

    @Test
    void aTableAFunctionOnlyReadsIsGrantedOnlyReads() {
        Set<String> reads = Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query");
        for (FunctionSpec spec : Catalogue.ALL) {
            Map<String, Set<String>> grants = tableGrants(spec);
            for (TableAccess access : spec.tables()) {
                if (access.readOnly()) {
                    String id = logicalId(table(access.table()));
                    grants.entrySet().stream().filter(grant -> grant.getKey().startsWith(id))
                            .forEach(grant -> assertThat(reads).as("%s on %s", spec.id(), grant.getKey())
                                    .containsAll(grant.getValue()));
                }
            }
        }
    }

    @Test
    void authorizerAndDefaultRouteTouchNoTable() {
        for (FunctionSpec spec : List.of(Catalogue.CONNECT_AUTHORIZER, Catalogue.DEFAULT_ROUTE)) {
            TEMPLATE.resourcePropertiesCountIs("AWS::IAM::Policy", Map.of("Roles", List.of(ref(role(spec)))), 0);
        }
    }

    @Test
    void onlyTheFunctionsThatPostMayManageConnections() {
        List<FunctionSpec> posters = Catalogue.ALL.stream().filter(FunctionSpec::postsToConnections).toList();
        Map<String, Map<String, Object>> posting = TEMPLATE.findResources("AWS::IAM::Policy", Map.of(
                "Properties", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Action", "execute-api:ManageConnections"))))))));
        assertThat(posting).hasSize(posters.size());
        for (FunctionSpec poster : posters) {
            TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                    "Roles", List.of(ref(role(poster))),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "Action", "execute-api:ManageConnections",
                            "Resource", SynthesizedStack.joinContaining(":execute-api:",
                                    "/" + ParleyStack.STAGE_NAME + "/*/@connections/*"))))))));
        }
    }

    @Test
    void fanoutReadsTheMessagesStream() {
        TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(ref(role(Catalogue.FANOUT))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", Match.arrayWith(List.of("dynamodb:GetRecords", "dynamodb:GetShardIterator")),
                        "Resource", getAtt(table(Tables.Messages.DEFINITION), "StreamArn"))))))));
    }

    @Test
    void fanoutMayOnlySendToItsDeadLetterQueue() {
        TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(ref(role(Catalogue.FANOUT))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", Match.arrayWith(List.of("sqs:SendMessage")),
                        "Resource", getAtt(STACK.fanout().deadLetters(), "Arn"))))))));
    }

    @Test
    void onlyConnectAndDisconnectQueuePresenceWorkAndOnlyTheCheckConsumesIt() {
        String queue = logicalId(STACK.presence().queue());
        for (FunctionSpec spec : Catalogue.ALL) {
            String policies = policiesOf(spec).toString();
            assertThat(policies.contains("sqs:SendMessage") && policies.contains(queue))
                    .as("%s sends to the presence queue", spec.id())
                    .isEqualTo(spec == Catalogue.DISCONNECT || spec == Catalogue.CONNECT);
            assertThat(policies.contains("sqs:ReceiveMessage") && policies.contains(queue))
                    .as("%s consumes the presence queue", spec.id()).isEqualTo(spec == Catalogue.PRESENCE_CHECK);
        }
    }

    private static IRole role(FunctionSpec spec) {
        return function(spec).function().getRole();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> policiesOf(FunctionSpec spec) {
        List<Map<String, Object>> policies = new ArrayList<>();
        TEMPLATE.findResources("AWS::IAM::Policy", Map.of("Properties", Match.objectLike(Map.of(
                "Roles", List.of(ref(role(spec))))))).values()
                .forEach(resource -> policies.add((Map<String, Object>) resource.get("Properties")));
        return policies;
    }

    /**
     * Table logical id (or {@code <id>/index/*}) to the DynamoDB actions granted on it, from every
     * policy of the function's role; the stream grants of fan-out are not table grants.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> tableGrants(FunctionSpec spec) {
        Set<String> tableIds = new TreeSet<>();
        for (TableDefinition definition : Tables.ALL) {
            tableIds.add(logicalId(table(definition)));
        }
        Map<String, Set<String>> grants = new TreeMap<>();
        for (Map<String, Object> policy : policiesOf(spec)) {
            List<Map<String, Object>> statements = (List<Map<String, Object>>)
                    ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement");
            for (Map<String, Object> statement : statements) {
                List<Object> actions = statement.get("Action") instanceof List<?> list
                        ? (List<Object>) list : List.of(statement.get("Action"));
                List<Object> resources = statement.get("Resource") instanceof List<?> list
                        ? (List<Object>) list : List.of(statement.get("Resource"));
                for (Object resource : resources) {
                    String target = tableTarget(resource, tableIds);
                    if (target != null) {
                        actions.forEach(action -> grants.computeIfAbsent(target, t -> new TreeSet<>()).add(action.toString()));
                    }
                }
            }
        }
        return grants;
    }

    @SuppressWarnings("unchecked")
    private static String tableTarget(Object resource, Set<String> tableIds) {
        if (resource instanceof Map<?, ?> map && map.get("Fn::GetAtt") instanceof List<?> getAtt
                && "Arn".equals(getAtt.get(1)) && tableIds.contains(getAtt.get(0).toString())) {
            return getAtt.get(0).toString();
        }
        if (resource instanceof Map<?, ?> map && map.get("Fn::Join") instanceof List<?> join) {
            List<Object> parts = (List<Object>) join.get(1);
            String table = tableTarget(parts.get(0), tableIds);
            if (table != null) {
                return table + String.join("", parts.subList(1, parts.size()).stream().map(Object::toString).toList());
            }
        }
        return null;
    }
}
