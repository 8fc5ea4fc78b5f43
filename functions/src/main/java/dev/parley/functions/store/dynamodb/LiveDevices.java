package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.model.tables.Tables.Connections;
import dev.parley.model.tables.Tables.Devices;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The push devices a user's live item names ({@link Connections#PUSH_DEVICES}) and whether it names
 * them all ({@link Connections#DEVICES_KNOWN}). Devices registered before live items named them
 * are only in the devices table: the first registration or {@code $connect} of such a user copies
 * them (one Query of the devices table, one update), after which every registration and removal
 * keeps the set. The set only grows by copying and {@code ADD}: a copy racing a removal may leave a
 * device named that is gone, which costs a notice handed on for nothing, never a notification missed.
 */
final class LiveDevices {
    private final DynamoDbClient dynamo;
    private final String connectionsTable;
    private final String devicesTable;

    LiveDevices(DynamoDbClient dynamo, String connectionsTable, String devicesTable) {
        this.dynamo = dynamo;
        this.connectionsTable = connectionsTable;
        this.devicesTable = devicesTable;
    }

    static Map<String, AttributeValue> liveKey(String userId) {
        return Map.of(Connections.USER_ID, s(userId), Connections.CONNECTION_ID, s(Connections.LIVE_ITEM));
    }

    /** Whether a live item (as read or as an update's old image) names every device of its user. */
    static boolean known(Map<String, AttributeValue> item) {
        AttributeValue known = item == null ? null : item.get(Connections.DEVICES_KNOWN);
        return known != null && Boolean.TRUE.equals(known.bool());
    }

    /**
     * Names the device in the live item; if the item did not name them all yet, copies them first.
     * Returns whether the user may have had no registered device before (the item named none, or
     * did not know them all): the sync store moves no badge counter for a user without devices, so
     * such a registration has the counter recounted.
     */
    boolean add(String userId, String deviceId) {
        var old = dynamo.updateItem(update -> update.tableName(connectionsTable).key(liveKey(userId))
                .returnValues(ReturnValue.ALL_OLD)
                .updateExpression("ADD #devices :device")
                .expressionAttributeNames(Map.of("#devices", Connections.PUSH_DEVICES))
                .expressionAttributeValues(Map.of(":device", AttributeValue.fromSs(List.of(deviceId)))));
        if (!known(old.attributes())) {
            copy(userId);
            return true;
        }
        AttributeValue before = old.attributes().get(Connections.PUSH_DEVICES);
        return before == null || !before.hasSs() || before.ss().isEmpty();
    }

    void remove(String userId, String deviceId) {
        dynamo.updateItem(update -> update.tableName(connectionsTable).key(liveKey(userId))
                .updateExpression("DELETE #devices :device")
                .expressionAttributeNames(Map.of("#devices", Connections.PUSH_DEVICES))
                .expressionAttributeValues(Map.of(":device", AttributeValue.fromSs(List.of(deviceId)))));
    }

    /**
     * Copies every registered device of the user into the live item (a strongly consistent Query
     * of the devices table, so a registration that finished is included) and marks it complete.
     */
    void copy(String userId) {
        List<String> devices = dynamo.queryPaginator(query -> query.tableName(devicesTable)
                        .keyConditionExpression("#user = :user")
                        .projectionExpression("#device")
                        .expressionAttributeNames(Map.of("#user", Devices.USER_ID, "#device", Devices.DEVICE_ID))
                        .expressionAttributeValues(Map.of(":user", s(userId)))
                        .consistentRead(true))
                .items().stream().map(item -> Attr.string(item, Devices.DEVICE_ID)).toList();
        Map<String, String> names = new HashMap<>(Map.of("#known", Connections.DEVICES_KNOWN));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":known", AttributeValue.fromBool(true)));
        String expression = "SET #known = :known";
        if (!devices.isEmpty()) {
            names.put("#devices", Connections.PUSH_DEVICES);
            values.put(":devices", AttributeValue.fromSs(devices));
            expression += " ADD #devices :devices";
        }
        String update = expression;
        dynamo.updateItem(request -> request.tableName(connectionsTable).key(liveKey(userId))
                .updateExpression(update).expressionAttributeNames(names).expressionAttributeValues(values));
    }

    /**
     * Marks the live item complete for a user whose devices were just read and none found (the
     * notification function, handed a notice for a user whose live item said nothing about devices):
     * their next messages hand on no notice. A registration racing it adds its device either way.
     */
    void noneRegistered(String userId) {
        dynamo.updateItem(update -> update.tableName(connectionsTable).key(liveKey(userId))
                .updateExpression("SET #known = :known")
                .expressionAttributeNames(Map.of("#known", Connections.DEVICES_KNOWN))
                .expressionAttributeValues(Map.of(":known", AttributeValue.fromBool(true))));
    }
}
