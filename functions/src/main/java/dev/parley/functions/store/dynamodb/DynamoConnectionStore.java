package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.LiveUser;
import dev.parley.model.tables.Tables.Connections;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * {@link ConnectionStore} on the connections table (key: userId, connectionId). Two kinds of
 * item: one per connection (its device, times and expiry; presence and the connect limit read
 * these), and one live item per user ({@link Connections#LIVE_ITEM}) naming every open connection
 * in an attribute of its own, which fan-out reads for up to 100 users per BatchGetItem
 * (docs/data-model.md, "connections"). Every write of a connection item writes the live item
 * too; a connection whose item expired without a {@code $disconnect} stays named until the
 * first post to it answers 410 (API Gateway has closed it by then), which deletes both. The live
 * item also names the user's push devices; one that does not name them all yet is completed on the
 * user's next {@code $connect} ({@link LiveDevices}), and until then fan-out treats the user's
 * devices as not known.
 */
public final class DynamoConnectionStore implements ConnectionStore {
    /** BatchGetItem's limit: 100 keys a call. */
    static final int BATCH_KEYS = 100;
    private static final int UNPROCESSED_RETRIES = 8;
    private final DynamoDbClient dynamo;
    private final String table;
    /** Null: a live item's devices are not completed on {@code $connect}. */
    private final LiveDevices devices;

    public DynamoConnectionStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, null);
    }

    /**
     * @param devicesTable where a live item that does not name every push device of its user yet
     *                     is completed from, on the user's next {@code $connect}
     */
    public DynamoConnectionStore(DynamoDbClient dynamo, String table, String devicesTable) {
        this.dynamo = dynamo;
        this.table = table;
        this.devices = devicesTable == null ? null : new LiveDevices(dynamo, table, devicesTable);
    }

    @Override
    public void save(Connection connection, long ttlSeconds) {
        dynamo.putItem(put -> put.tableName(table).item(Map.of(
                Connections.USER_ID, s(connection.userId()),
                Connections.CONNECTION_ID, s(connection.connectionId()),
                Connections.DEVICE_ID, s(connection.deviceId()),
                Connections.CONNECTED_AT, n(connection.connectedAt()),
                Connections.LAST_ACTIVE_AT, n(connection.lastActiveAt()),
                Connections.EXPIRES_AT, n(connection.connectedAt() / 1000 + ttlSeconds))));
        var old = addLive(connection.userId(), connection.connectionId(), connection.deviceId());
        if (devices != null && !LiveDevices.known(old)) {
            devices.copy(connection.userId());
        }
    }

    /**
     * Names the connection in the user's live item; returns the item as it was before (an update's
     * old image costs no read). The live item has no expiry: it also holds the user's push devices,
     * which must outlast every connection; a connection named there after it ended is removed by
     * the first post to it (410).
     */
    private Map<String, AttributeValue> addLive(String userId, String connectionId, String deviceId) {
        return dynamo.updateItem(update -> update.tableName(table).returnValues(ReturnValue.ALL_OLD)
                .key(key(userId, Connections.LIVE_ITEM))
                .updateExpression("SET #conn = :device")
                .expressionAttributeNames(Map.of("#conn", Connections.LIVE_PREFIX + connectionId))
                .expressionAttributeValues(Map.of(":device", s(deviceId)))).attributes();
    }

    @Override
    public void touch(String userId, String connectionId, String deviceId, long now, long ttlSeconds) {
        // UPDATED_OLD costs no read: an answer without connectedAt means the item was re-created.
        var old = dynamo.updateItem(update -> update.tableName(table).returnValues(ReturnValue.UPDATED_OLD)
                .key(key(userId, connectionId))
                .updateExpression("SET #active = :now, #device = if_not_exists(#device, :device), "
                        + "#connected = if_not_exists(#connected, :now), #expires = if_not_exists(#expires, :expires)")
                .expressionAttributeNames(Map.of(
                        "#active", Connections.LAST_ACTIVE_AT,
                        "#device", Connections.DEVICE_ID,
                        "#connected", Connections.CONNECTED_AT,
                        "#expires", Connections.EXPIRES_AT))
                .expressionAttributeValues(Map.of(
                        ":now", n(now),
                        ":device", s(deviceId),
                        ":expires", n(now / 1000 + ttlSeconds))));
        if (!old.hasAttributes() || !old.attributes().containsKey(Connections.CONNECTED_AT)) {
            addLive(userId, connectionId, deviceId);
        }
    }

    @Override
    public void delete(String userId, String connectionId) {
        dynamo.deleteItem(delete -> delete.tableName(table).key(key(userId, connectionId)));
        try {
            // Conditioned so that removing from a user without a live item creates none.
            dynamo.updateItem(update -> update.tableName(table)
                    .key(key(userId, Connections.LIVE_ITEM))
                    .updateExpression("REMOVE #conn")
                    .conditionExpression("attribute_exists(#conn)")
                    .expressionAttributeNames(Map.of("#conn", Connections.LIVE_PREFIX + connectionId)));
        } catch (ConditionalCheckFailedException alreadyGone) {
            // removed before (a 410 and a $disconnect for the same connection)
        }
    }

    @Override
    public List<Connection> forUser(String userId) {
        return dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user")
                        .expressionAttributeNames(Map.of("#user", Connections.USER_ID))
                        .expressionAttributeValues(Map.of(":user", s(userId)))
                        .consistentRead(true))
                .items().stream()
                .filter(item -> !Connections.LIVE_ITEM.equals(Attr.string(item, Connections.CONNECTION_ID)))
                .map(item -> new Connection(
                        Attr.string(item, Connections.USER_ID),
                        Attr.string(item, Connections.CONNECTION_ID),
                        Attr.string(item, Connections.DEVICE_ID),
                        Attr.number(item, Connections.CONNECTED_AT, 0),
                        Attr.number(item, Connections.LAST_ACTIVE_AT, 0)))
                .toList();
    }

    /**
     * The users' live items, 100 keys per BatchGetItem, eventually consistent (half the read units
     * of a strongly consistent read; a device connected a moment ago syncs on connecting). Keys
     * DynamoDB leaves unprocessed are asked again after a short pause; any left after that fail
     * the lookup, for fan-out to retry.
     */
    @Override
    public Map<String, LiveUser> forUsers(Collection<String> userIds) {
        Map<String, LiveUser> found = new LinkedHashMap<>();
        List<String> users = new ArrayList<>(userIds);
        // A user without a live item may have devices registered before live items named them.
        users.forEach(user -> found.put(user, new LiveUser(List.of(), null)));
        for (int from = 0; from < users.size(); from += BATCH_KEYS) {
            List<Map<String, AttributeValue>> keys = users.subList(from, Math.min(users.size(), from + BATCH_KEYS))
                    .stream().map(user -> key(user, Connections.LIVE_ITEM)).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt > UNPROCESSED_RETRIES) {
                    throw new IllegalStateException("connections of " + keys.size() + " users left unprocessed");
                }
                if (attempt > 0) {
                    pause(attempt);
                }
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = dynamo.batchGetItem(get -> get.requestItems(asked));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    String user = Attr.string(item, Connections.USER_ID);
                    List<Connection> live = new ArrayList<>();
                    item.forEach((name, value) -> {
                        if (name.startsWith(Connections.LIVE_PREFIX) && value.s() != null) {
                            live.add(new Connection(user, name.substring(Connections.LIVE_PREFIX.length()), value.s(), 0, 0));
                        }
                    });
                    // Devices not known (the item does not name them all yet): null, so a notice is handed on.
                    AttributeValue named = item.get(Connections.PUSH_DEVICES);
                    found.put(user, new LiveUser(live, !LiveDevices.known(item) ? null
                            : named == null ? Set.of() : Set.copyOf(named.ss())));
                }
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(500, 10L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, AttributeValue> key(String userId, String connectionId) {
        return Map.of(Connections.USER_ID, s(userId), Connections.CONNECTION_ID, s(connectionId));
    }
}
