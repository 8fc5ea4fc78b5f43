package dev.parley.functions.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.store.Device;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Device registrations on DynamoDB Local, named in the user's live item. */
class DynamoDeviceStoreTest {
    private final DynamoDeviceStore devices = new DynamoDeviceStore(TestDynamo.client(),
            TestDynamo.table(Setting.DEVICES_TABLE), TestDynamo.table(Setting.CONNECTIONS_TABLE));
    private final String user = "u-" + UUID.randomUUID();

    /** Only a registration that ends a time without devices has the badge counter recounted. */
    @Test
    void aRegistrationSaysWhetherTheUserHadNoDeviceBefore() {
        assertThat(devices.register(new Device(user, "phone", "apns", "apns-token-1"), 1)).isTrue();
        assertThat(devices.register(new Device(user, "phone", "apns", "apns-token-2"), 2)).as("a token refresh").isFalse();
        assertThat(devices.register(new Device(user, "tablet", "fcm", "fcm-token-1"), 3)).isFalse();
        devices.unregister(user, "phone");
        devices.unregister(user, "tablet");
        assertThat(devices.register(new Device(user, "laptop", "fcm", "fcm-token-2"), 4)).isTrue();
    }
}
