package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.Device;
import dev.parley.functions.store.DeviceStore;
import dev.parley.model.tables.Tables.Devices;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DeviceStore} on the devices table (key: userId, deviceId). */
public final class DynamoDeviceStore implements DeviceStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDeviceStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void register(Device device, long now) {
        dynamo.putItem(put -> put.tableName(table).item(Map.of(
                Devices.USER_ID, s(device.userId()),
                Devices.DEVICE_ID, s(device.deviceId()),
                Devices.PLATFORM, s(device.platform()),
                Devices.PUSH_TOKEN, s(device.pushToken()),
                Devices.UPDATED_AT, n(now))));
    }

    @Override
    public void unregister(String userId, String deviceId) {
        dynamo.deleteItem(delete -> delete.tableName(table)
                .key(Map.of(Devices.USER_ID, s(userId), Devices.DEVICE_ID, s(deviceId))));
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
