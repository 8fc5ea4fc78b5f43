package dev.parley.functions.store;

import java.util.List;

/** Devices registered for offline push notifications, per user. */
public interface DeviceStore {
    void register(Device device, long now);

    void unregister(String userId, String deviceId);

    List<Device> forUser(String userId);

    /**
     * Records that the user, whose devices were just read and none found, has none: fan-out then
     * hands on no notice for them (where it keeps devices beside connections).
     */
    default void noneRegistered(String userId) {}
}
