package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import java.time.Clock;

/** The connection lifecycle: $connect, $disconnect and heartbeats. */
public final class ConnectionService {
    private final ConnectionStore connections;
    private final PresenceService presence;
    private final Clock clock;
    private final long ttlSeconds;

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds) {
        this.connections = connections;
        this.presence = presence;
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
    }

    /** Records the connection, then tells presence; a presence failure does not refuse the connection. */
    public void connect(Caller caller) {
        long now = clock.millis();
        connections.save(new Connection(caller.userId(), caller.connectionId(), caller.deviceId(), now, now), ttlSeconds);
        try {
            presence.connected(caller.userId());
        } catch (RuntimeException presenceFailed) {
            Telemetry.event("presence").field("userId", caller.userId()).field("outcome", "failed")
                    .field("error", presenceFailed.toString()).emit(Telemetry.Level.WARN);
        }
    }

    public void disconnect(Caller caller) {
        connections.delete(caller.userId(), caller.connectionId());
        presence.disconnected(caller.userId());
    }

    /** Marks the connection alive; returns the server time for the {@code pong}. */
    public long heartbeat(Caller caller) {
        long now = clock.millis();
        connections.touch(caller.userId(), caller.connectionId(), caller.deviceId(), now, ttlSeconds);
        return now;
    }
}
