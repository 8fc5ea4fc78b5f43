package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.model.tables.Tables.Connections;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@link ConnectionStore} on the connections table (key: userId, connectionId). */
public final class DynamoConnectionStore implements ConnectionStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoConnectionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
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
    }

    @Override
    public void touch(String userId, String connectionId, String deviceId, long now, long ttlSeconds) {
        dynamo.updateItem(update -> update.tableName(table)
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
    }

    @Override
    public void delete(String userId, String connectionId) {
        dynamo.deleteItem(delete -> delete.tableName(table).key(key(userId, connectionId)));
    }

    @Override
    public List<Connection> forUser(String userId) {
        return dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user")
                        .expressionAttributeNames(Map.of("#user", Connections.USER_ID))
                        .expressionAttributeValues(Map.of(":user", s(userId)))
                        .consistentRead(true))
                .items().stream()
                .map(item -> new Connection(
                        Attr.string(item, Connections.USER_ID),
                        Attr.string(item, Connections.CONNECTION_ID),
                        Attr.string(item, Connections.DEVICE_ID),
                        Attr.number(item, Connections.CONNECTED_AT, 0),
                        Attr.number(item, Connections.LAST_ACTIVE_AT, 0)))
                .toList();
    }


    private static Map<String, AttributeValue> key(String userId, String connectionId) {
        return Map.of(Connections.USER_ID, s(userId), Connections.CONNECTION_ID, s(connectionId));
    }
}
