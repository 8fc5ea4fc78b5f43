package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.Device;
import dev.parley.functions.store.DeviceStore;
import dev.parley.model.tables.Tables.Connections;
import dev.parley.model.tables.Tables.Devices;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link DeviceStore} on the devices table (key: userId, deviceId). With the connections table
 * given, each registration and removal also names the device in (or takes it out of) the user's
 * live item there ({@code pushDevices}), which fan-out reads with the user's connections: a
 * recipient whose registered devices are all online is handed to no notification.
 */
public final class DynamoDeviceStore implements DeviceStore {
    private final DynamoDbClient dynamo;
    private final String table;
    /** Null: no live item kept. */
    private final String connectionsTable;

    public DynamoDeviceStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, null);
    }

    public DynamoDeviceStore(DynamoDbClient dynamo, String table, String connectionsTable) {
        this.dynamo = dynamo;
        this.table = table;
        this.connectionsTable = connectionsTable;
    }

    /**
     * The device added to ({@code ADD}) or taken out of ({@code DELETE}) the user's live item's set.
     * Returns whether the set was empty before (true when no live item is kept).
     */
    private boolean live(String userId, String deviceId, String action) {
        if (connectionsTable == null) {
            return true;
        }
        var before = dynamo.updateItem(update -> update.tableName(connectionsTable)
                .key(Map.of(Connections.USER_ID, s(userId), Connections.CONNECTION_ID, s(Connections.LIVE_ITEM)))
                .updateExpression(action + " #devices :device")
                .expressionAttributeNames(Map.of("#devices", Connections.PUSH_DEVICES))
                .expressionAttributeValues(Map.of(":device",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromSs(List.of(deviceId))))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.UPDATED_OLD)).attributes();
        var devices = before == null ? null : before.get(Connections.PUSH_DEVICES);
        return devices == null || !devices.hasSs() || devices.ss().isEmpty();
    }

    @Override
    public boolean register(Device device, long now) {
        dynamo.putItem(put -> put.tableName(table).item(Map.of(
                Devices.USER_ID, s(device.userId()),
                Devices.DEVICE_ID, s(device.deviceId()),
                Devices.PLATFORM, s(device.platform()),
                Devices.PUSH_TOKEN, s(device.pushToken()),
                Devices.UPDATED_AT, n(now))));
        return live(device.userId(), device.deviceId(), "ADD");
    }

    @Override
    public void unregister(String userId, String deviceId) {
        dynamo.deleteItem(delete -> delete.tableName(table)
                .key(Map.of(Devices.USER_ID, s(userId), Devices.DEVICE_ID, s(deviceId))));
        live(userId, deviceId, "DELETE");
    }

    @Override
    public List<Device> forUser(String userId) {
        return dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user")
                        .expressionAttributeNames(Map.of("#user", Devices.USER_ID))
                        .expressionAttributeValues(Map.of(":user", s(userId))))
                .items().stream()
                .map(item -> new Device(Attr.string(item, Devices.USER_ID), Attr.string(item, Devices.DEVICE_ID),
                        Attr.string(item, Devices.PLATFORM), Attr.string(item, Devices.PUSH_TOKEN)))
                .toList();
    }
}
