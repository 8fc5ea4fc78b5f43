package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.PresenceStore;
import dev.parley.model.tables.Tables.Presence;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** {@link PresenceStore} on the presence table (key: userId). Changes are conditional: one publisher per change. */
public final class DynamoPresenceStore implements PresenceStore {
    /** BatchGetItem's limit on keys per request. */
    static final int BATCH_KEYS = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 8;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoPresenceStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public boolean markOnline(String userId, long now) {
        Map<String, AttributeValue> old = dynamo.updateItem(update -> update.tableName(table)
                .key(Map.of(Presence.USER_ID, s(userId)))
                .updateExpression("SET #online = :true, #active = :now, #changed = :now")
                .expressionAttributeNames(Map.of("#online", Presence.ONLINE, "#active", Presence.LAST_ACTIVE_AT,
                        "#changed", Presence.CHANGED_AT))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":now", n(now)))
                .returnValues(ReturnValue.UPDATED_OLD)).attributes();
        AttributeValue wasOnline = old == null ? null : old.get(Presence.ONLINE);
        return wasOnline == null || !Boolean.TRUE.equals(wasOnline.bool());
    }

    @Override
    public boolean markOffline(String userId, long lastActiveAt, long now) {
        try {
            dynamo.updateItem(update -> update.tableName(table)
                    .key(Map.of(Presence.USER_ID, s(userId)))
                    .updateExpression("SET #online = :false, #active = :active, #changed = :now")
                    .conditionExpression("#online = :true")
                    .expressionAttributeNames(Map.of("#online", Presence.ONLINE, "#active", Presence.LAST_ACTIVE_AT,
                            "#changed", Presence.CHANGED_AT))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true),
                            ":false", AttributeValue.fromBool(false), ":active", n(lastActiveAt), ":now", n(now))));
            return true;
        } catch (ConditionalCheckFailedException notOnline) {
            return false;
        }
    }

    @Override
    public Optional<State> get(String userId) {
        return read(userId, false);
    }

    @Override
    public Optional<State> getConsistent(String userId) {
        return read(userId, true);
    }

    /**
     * BatchGetItem, 100 keys a request; keys DynamoDB leaves unprocessed (throttling, the 16 MB
     * answer limit) are asked again after a short backoff, as the API reference advises.
     */
    @Override
    public Map<String, State> getAll(Collection<String> userIds) {
        Map<String, State> states = new HashMap<>();
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(userIds));
        for (int from = 0; from < ids.size(); from += BATCH_KEYS) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : ids.subList(from, Math.min(ids.size(), from + BATCH_KEYS))) {
                keys.add(Map.of(Presence.USER_ID, s(id)));
            }
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    throw new IllegalStateException("presence batch read left keys unprocessed " + round + " times");
                }
                if (round > 0) {
                    backoff(round);
                }
                Map<String, KeysAndAttributes> asked = request;
                var answer = dynamo.batchGetItem(batch -> batch.requestItems(asked));
                for (Map<String, AttributeValue> item : answer.responses().getOrDefault(table, List.of())) {
                    State state = state(item.get(Presence.USER_ID).s(), item);
                    states.put(state.userId(), state);
                }
                request = answer.hasUnprocessedKeys() ? answer.unprocessedKeys() : Map.of();
            }
        }
        return states;
    }

    private Optional<State> read(String userId, boolean consistent) {
        var item = dynamo.getItem(get -> get.tableName(table).key(Map.of(Presence.USER_ID, s(userId)))
                .consistentRead(consistent)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(state(userId, item));
    }

    private static State state(String userId, Map<String, AttributeValue> item) {
        AttributeValue online = item.get(Presence.ONLINE);
        return new State(userId, online != null && Boolean.TRUE.equals(online.bool()),
                Attr.number(item, Presence.LAST_ACTIVE_AT, 0));
    }

    private static void backoff(int round) {
        try {
            Thread.sleep(Math.min(500, 25L << round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading presence", e);
        }
    }
}
