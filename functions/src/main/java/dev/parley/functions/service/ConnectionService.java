package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.InboxStore;
import java.time.Clock;

/** The connection lifecycle: $connect, $disconnect and heartbeats. */
public final class ConnectionService {
    private final ConnectionStore connections;
    private final PresenceService presence;
    private final Clock clock;
    private final long ttlSeconds;
    /** Null: nothing device-scoped to clean up (tests without a sync store). */
    private final InboxStore inbox;

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds) {
        this(connections, presence, clock, ttlSeconds, null);
    }

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds,
                             InboxStore inbox) {
        this.inbox = inbox;
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

    /**
     * Removes the connection and tells presence. A device without an id of its own (its id is the
     * connection id) ends with its connection: its ack positions go too (best effort; they expire
     * anyway).
     */
    public void disconnect(Caller caller) {
        connections.delete(caller.userId(), caller.connectionId());
        if (inbox != null && caller.deviceId().equals(caller.connectionId())) {
            try {
                inbox.removeDevice(caller.userId(), caller.deviceId());
            } catch (RuntimeException failed) {
                Telemetry.event("disconnect").field("userId", caller.userId()).field("outcome", "acks-kept")
                        .field("error", failed.toString()).emit(Telemetry.Level.WARN);
            }
        }
        presence.disconnected(caller.userId());
    }

    /** Marks the connection alive; returns the server time for the {@code pong}. */
    public long heartbeat(Caller caller) {
        long now = clock.millis();
        connections.touch(caller.userId(), caller.connectionId(), caller.deviceId(), now, ttlSeconds);
        return now;
    }
}
