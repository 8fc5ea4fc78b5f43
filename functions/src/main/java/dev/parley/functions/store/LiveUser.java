package dev.parley.functions.store;

import java.util.List;
import java.util.Set;

/**
 * What fan-out needs of one recipient: their open connections and their registered push devices
 * ({@code pushDevices} null: not known here, so a notice is handed on and the notification function
 * reads the devices).
 */
public record LiveUser(List<Connection> connections, Set<String> pushDevices) {
    public LiveUser {
        connections = List.copyOf(connections);
        pushDevices = pushDevices == null ? null : Set.copyOf(pushDevices);
    }

    /** Whether a notification may be due: a registered device without a live connection, or devices not known. */
    public boolean hasOfflineDevice() {
        if (pushDevices == null) {
            return true;
        }
        Set<String> offline = new java.util.HashSet<>(pushDevices);
        connections.forEach(connection -> offline.remove(connection.deviceId()));
        return !offline.isEmpty();
    }
}
