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

    /**
     * Records that the user, whose devices were just read and none found, has none: fan-out then
     * hands on no notice for them (where it keeps devices beside connections).
     */
    default void noneRegistered(String userId) {}
}
