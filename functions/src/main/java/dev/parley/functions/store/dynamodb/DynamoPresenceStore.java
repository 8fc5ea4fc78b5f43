package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.PresenceStore;
import dev.parley.model.tables.Tables.Presence;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** {@link PresenceStore} on the presence table (key: userId). Changes are conditional: one publisher per change. */
public final class DynamoPresenceStore implements PresenceStore {
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
        var item = dynamo.getItem(get -> get.tableName(table).key(Map.of(Presence.USER_ID, s(userId)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue online = item.get(Presence.ONLINE);
        return Optional.of(new State(userId, online != null && Boolean.TRUE.equals(online.bool()),
                Attr.number(item, Presence.LAST_ACTIVE_AT, 0)));
    }
}
