package dev.parley.functions.store;

import java.util.List;

/** Devices registered for offline push notifications, per user. */
public interface DeviceStore {
    /**
     * Registers (or re-registers) the device. True when the user may have had no registered device
     * before it (fan-out then did not keep their badge counter); false when another one, or this
     * one, was registered already.
     */
    boolean register(Device device, long now);

    void unregister(String userId, String deviceId);

    List<Device> forUser(String userId);
}
