package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.it.support.Api;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import dev.parley.testsupport.metering.CapacityMeter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What adding one member to a 500-member group reads, measured with ReturnConsumedCapacity on a
 * runtime of its own: the route (admin check, the member list read once, the member count, the
 * {@code members} frame posted through the members' live items, 100 users per BatchGetItem) and
 * the fan-out of the change's timeline entry. The figures are printed for docs/data-model.md.
 * DynamoDB bills a missing key of a BatchGetItem and an empty Query at least half a read unit
 * where DynamoDB Local reports nothing; those minimums are added ({@link Minimums}).
 */
class GroupChangeCapacityTest {
    private static final int MEMBERS = 500;
    private static final CapacityMeter METER = new CapacityMeter();
    private static final Minimums MINIMUMS = new Minimums();
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        LocalRuntime.Options.Builder options = LocalRuntime.Options.builder().port(0).dynamoInterceptor(METER)
                .dynamoInterceptor(MINIMUMS).setting(Setting.LOG_LEVEL, "WARN")
                .setting(Setting.MAX_GROUP_MEMBERS, String.valueOf(MEMBERS + 10));
        Parley.WITHOUT_BUDGETS.forEach(options::setting);
        runtime = LocalRuntime.start(options.build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void addingOneMemberToAFiveHundredMemberGroupReadsTheMemberListOnceAndEachMembersLiveItemOncePerPush() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        Api api = new Api(runtime.httpUrl(), OwnRuntime.token(runtime, alice));
        try (WsClient b = OwnRuntime.connect(runtime, bob)) {
            String group = api.createGroup("five hundred", bob);
            // The creation's fan-out is over (its posts come after its reads) before members are added.
            b.await(f -> "message".equals(f.path("type").asText()) && group.equals(f.path("conversationId").asText()));
            // The other 498 members are written through the store (the route would also start their
            // sync-store entries and push to every member: work this measurement is not about), the
            // count on the group's meta item reserved first, as the route does.
            DynamoConversationStore store = new DynamoConversationStore(runtime.dynamo(),
                    runtime.config().get(Setting.CONVERSATIONS_TABLE));
            List<String> others = new ArrayList<>();
            for (int i = 2; i < MEMBERS; i++) {
                others.add(Parley.user("m" + i));
            }
            assertThat(store.reserveMembers(group, others.size(), MEMBERS + 10)).isTrue();
            assertThat(store.addMembers(group, others, 1, System.currentTimeMillis())).hasSize(others.size());
            assertThat(store.memberCount(group)).isEqualTo(MEMBERS);

            METER.reset();
            MINIMUMS.reset();
            Api.Reply added = api.post("/groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/members",
                    "{\"members\":[\"" + carol + "\"]}");
            assertThat(added.status()).isEqualTo(200);
            Map<String, Double> route = total(METER.readUnits(), MINIMUMS.minimumUnits());
            long routeKeys = MINIMUMS.keysAsked();

            JsonNode frame = b.await(f -> "members".equals(f.path("type").asText())
                    && f.path("added").toString().contains(carol), Duration.ofSeconds(60));
            JsonNode entry = b.await(f -> "message".equals(f.path("type").asText())
                    && frame.get("seq").asLong() == f.path("seq").asLong(), Duration.ofSeconds(60));
            assertThat(entry.get("kind").asText()).isEqualTo("member");
            // Fan-out of the entry read every member's live item (501 keys, 100 per call) before it
            // posted to bob.
            await().atMost(Duration.ofSeconds(60)).until(() -> MINIMUMS.keysAsked() >= MEMBERS + 1);
            Map<String, Double> all = total(METER.readUnits(), MINIMUMS.minimumUnits());

            System.out.println("CAPACITY add 1 member to a group of " + MEMBERS + ": read units (route, by the time it"
                    + " answered) " + route + " = " + sum(route) + "; with the entry's fan-out " + all + " = " + sum(all)
                    + "; live-item keys asked " + MINIMUMS.keysAsked() + " (" + routeKeys + " by the time the route answered)");
            System.out.println("CAPACITY add 1 member to a group of " + MEMBERS + ": member-list Queries "
                    + MINIMUMS.memberListQueries() + ", write units " + METER.writeUnits());
        }
    }

    private static Map<String, Double> total(Map<String, Double> metered, Map<String, Double> minimums) {
        Map<String, Double> total = new TreeMap<>(metered);
        minimums.forEach((key, units) -> total.merge(key, units, Double::sum));
        return total;
    }

    private static double sum(Map<String, Double> units) {
        return units.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The read units DynamoDB Local leaves out (an empty Query, a missing key of a BatchGetItem:
     * DynamoDB bills half a unit each, eventually consistent, one strongly consistent), the live-item
     * keys asked for, and the Queries of a group's member items. Installed after the meter, whose
     * ReturnConsumedCapacity it relies on.
     */
    static final class Minimums implements ExecutionInterceptor {
        private final Map<String, DoubleAdder> units = new ConcurrentHashMap<>();
        private final LongAdder keys = new LongAdder();
        private final LongAdder memberQueries = new LongAdder();

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.response() instanceof QueryResponse query && context.request() instanceof QueryRequest request) {
                if (request.hasExpressionAttributeValues() && request.expressionAttributeValues().containsKey(":prefix")
                        && Tables.Conversations.MEMBER_ITEM_PREFIX.equals(request.expressionAttributeValues().get(":prefix").s())) {
                    memberQueries.increment();
                }
                if (query.consumedCapacity() != null && Double.valueOf(0.0).equals(query.consumedCapacity().capacityUnits())) {
                    add(request.tableName() + " Query", Boolean.TRUE.equals(request.consistentRead()) ? 1.0 : 0.5);
                }
            }
            if (context.response() instanceof BatchGetItemResponse batch && context.request() instanceof BatchGetItemRequest request) {
                request.requestItems().forEach((table, asked) -> {
                    int found = batch.responses().getOrDefault(table, List.of()).size();
                    int unprocessed = batch.hasUnprocessedKeys() && batch.unprocessedKeys().containsKey(table)
                            ? batch.unprocessedKeys().get(table).keys().size() : 0;
                    int missing = asked.keys().size() - found - unprocessed;
                    if (table.endsWith(Tables.Connections.DEFINITION.defaultName())) {
                        keys.add(asked.keys().size() - unprocessed);
                    }
                    if (missing > 0) {
                        add(table + " BatchGetItem", missing * (Boolean.TRUE.equals(asked.consistentRead()) ? 1.0 : 0.5));
                    }
                });
            }
        }

        private void add(String key, double value) {
            units.computeIfAbsent(key, k -> new DoubleAdder()).add(value);
        }

        Map<String, Double> minimumUnits() {
            Map<String, Double> copy = new TreeMap<>();
            units.forEach((key, value) -> copy.put(key, value.sum()));
            return copy;
        }

        long keysAsked() {
            return keys.sum();
        }

        long memberListQueries() {
            return memberQueries.sum();
        }

        void reset() {
            units.clear();
            keys.reset();
            memberQueries.reset();
        }
    }
}
