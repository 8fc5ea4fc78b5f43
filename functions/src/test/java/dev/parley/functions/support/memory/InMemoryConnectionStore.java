package dev.parley.functions.support.memory;

import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ConnectionStore} in memory. */
public final class InMemoryConnectionStore implements ConnectionStore {
    private final Map<String, Map<String, Connection>> byUser = new ConcurrentHashMap<>();

    @Override
    public void save(Connection connection, long ttlSeconds) {
        byUser.computeIfAbsent(connection.userId(), u -> new ConcurrentHashMap<>()).put(connection.connectionId(), connection);
    }

    @Override
    public void touch(String userId, String connectionId, String deviceId, long now, long ttlSeconds) {
        byUser.computeIfAbsent(userId, u -> new ConcurrentHashMap<>()).compute(connectionId, (id, old) ->
                new Connection(userId, connectionId, old == null ? deviceId : old.deviceId(),
                        old == null ? now : old.connectedAt(), now));
    }

    @Override
    public void delete(String userId, String connectionId) {
        byUser.getOrDefault(userId, Map.of()).remove(connectionId);
    }

    @Override
    public List<Connection> forUser(String userId) {
        return List.copyOf(byUser.getOrDefault(userId, Map.of()).values());
    }
}
