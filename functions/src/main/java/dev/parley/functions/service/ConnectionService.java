package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.InboxStore;
import java.time.Clock;
import java.time.Duration;

/** The connection lifecycle: $connect, $disconnect and heartbeats. */
public final class ConnectionService {
    private final ConnectionStore connections;
    private final PresenceService presence;
    private final Clock clock;
    private final long ttlSeconds;
    private final Limits limits;
    /** Null: nothing device-scoped to clean up (tests without a sync store). */
    private final InboxStore inbox;

    /**
     * {@code maxPerUser}: live connections one user may hold; {@code liveFor}: a connection not
     * heard from (connect or heartbeat) for this long is not live, so a connection whose
     * {@code $disconnect} was lost does not hold a slot; {@code heartbeats}: the heartbeat budget.
     */
    public record Limits(int maxPerUser, Duration liveFor, Budget heartbeats) {
        public static Limits none() {
            return new Limits(Integer.MAX_VALUE, Duration.ofDays(1), Budget.unlimited("heartbeat"));
        }
    }

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds,
                             Limits limits) {
        this(connections, presence, clock, ttlSeconds, limits, null);
    }

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds,
                             Limits limits, InboxStore inbox) {
        this.inbox = inbox;
        this.connections = connections;
        this.presence = presence;
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
        this.limits = limits;
    }

    /**
     * Records the connection, then tells presence; a presence failure does not refuse the
     * connection. A user who already holds {@code maxPerUser} live connections is refused with
     * {@link TooManyConnectionsException} and nothing is written.
     */
    public void connect(Caller caller) {
        long now = clock.millis();
        if (limits.maxPerUser() != Integer.MAX_VALUE) {
            long since = now - limits.liveFor().toMillis();
            long live = connections.forUser(caller.userId()).stream()
                    .filter(connection -> Math.max(connection.connectedAt(), connection.lastActiveAt()) > since).count();
            if (live >= limits.maxPerUser()) {
                throw new TooManyConnectionsException(caller.userId(), limits.maxPerUser());
            }
        }
        connections.save(new Connection(caller.userId(), caller.connectionId(), caller.deviceId(), now, now), ttlSeconds);
        try {
            presence.connected(caller.userId());
        } catch (RuntimeException presenceFailed) {
            Telemetry.event("presence").field("userId", caller.userId()).field("outcome", "failed")
                    .field("error", presenceFailed.toString()).emit(Telemetry.Level.WARN);
        }
    }

    /** {@link #disconnect(Caller, boolean)} of a connection that dropped (the grace period applies). */
    public void disconnect(Caller caller) {
        disconnect(caller, false);
    }

    /**
     * Removes the connection and tells presence; {@code signedOut}: the client closed it cleanly
     * (close code 1000), so if it was the user's last the peers hear "offline" at once instead of
     * after the grace period. A device without an id of its own (its id is the connection id)
     * ends with its connection: its ack positions go too (best effort; they expire anyway).
     */
    public void disconnect(Caller caller, boolean signedOut) {
        connections.delete(caller.userId(), caller.connectionId());
        if (inbox != null && caller.deviceId().equals(caller.connectionId())) {
            try {
                inbox.removeDevice(caller.userId(), caller.deviceId());
            } catch (RuntimeException failed) {
                Telemetry.event("disconnect").field("userId", caller.userId()).field("outcome", "acks-kept")
                        .field("error", failed.toString()).emit(Telemetry.Level.WARN);
            }
        }
        presence.disconnected(caller.userId(), signedOut);
    }

    /** Marks the connection alive; returns the server time for the {@code pong}. */
    public long heartbeat(Caller caller) {
        limits.heartbeats().spend(caller.userId());
        long now = clock.millis();
        connections.touch(caller.userId(), caller.connectionId(), caller.deviceId(), now, ttlSeconds);
        return now;
    }
}
