package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.Device;
import dev.parley.functions.store.DeviceStore;
import dev.parley.model.tables.Tables.Devices;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link DeviceStore} on the devices table (key: userId, deviceId). With the connections table
 * given, each registration and removal also names the device in (or takes it out of) the user's
 * live item there ({@code pushDevices}), which fan-out reads with the user's connections: a
 * recipient whose registered devices are all online is handed to no notification. A live item
 * that does not name every device yet (devices registered before live items named them) is
 * completed from this table ({@link LiveDevices}).
 */
public final class DynamoDeviceStore implements DeviceStore {
    private final DynamoDbClient dynamo;
    private final String table;
    /** Null: no live item kept. */
    private final LiveDevices live;

    public DynamoDeviceStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, null);
    }

    public DynamoDeviceStore(DynamoDbClient dynamo, String table, String connectionsTable) {
        this.dynamo = dynamo;
        this.table = table;
        this.live = connectionsTable == null ? null : new LiveDevices(dynamo, connectionsTable, table);
    }

    @Override
    public boolean register(Device device, long now) {
        dynamo.putItem(put -> put.tableName(table).item(Map.of(
                Devices.USER_ID, s(device.userId()),
                Devices.DEVICE_ID, s(device.deviceId()),
                Devices.PLATFORM, s(device.platform()),
                Devices.PUSH_TOKEN, s(device.pushToken()),
                Devices.UPDATED_AT, n(now))));
        return live == null || live.add(device.userId(), device.deviceId());
    }

    @Override
    public void unregister(String userId, String deviceId) {
        dynamo.deleteItem(delete -> delete.tableName(table)
                .key(Map.of(Devices.USER_ID, s(userId), Devices.DEVICE_ID, s(deviceId))));
        if (live != null) {
            live.remove(userId, deviceId);
        }
    }

    @Override
    public void noneRegistered(String userId) {
        if (live != null) {
            live.noneRegistered(userId);
        }
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
