package dev.parley.functions.store;

import java.util.List;

/** Devices registered for offline push notifications, per user. */
public interface DeviceStore {
    void register(Device device, long now);

    void unregister(String userId, String deviceId);

    List<Device> forUser(String userId);
}
