package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.push.ConnectionCheck;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.InboxStore;
import java.time.Clock;
import dev.parley.model.aws.AwsLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The connection lifecycle: $connect, $disconnect and heartbeats. */
public final class ConnectionService {
    private final ConnectionStore connections;
    private final PresenceService presence;
    private final Clock clock;
    private final long ttlSeconds;
    private final Limits limits;
    /** Null: nothing device-scoped to clean up (tests without a sync store). */
    private final InboxStore inbox;
    /** Null: the connect limit counts every connection heard from lately, open or not. */
    private final Supplier<ConnectionCheck> gateway;

    /**
     * {@code maxPerUser}: live connections one user may hold; {@code liveFor}: a connection not
     * heard from (connect or heartbeat) for this long is not live, so a connection whose
     * {@code $disconnect} was lost does not hold a slot; {@code heartbeats}: the heartbeat budget
     * (shared, spent by a heartbeat that writes); {@code heartbeatsHere}: the same budget in this
     * instance's memory, spent by every heartbeat; {@code touchEvery}: how often at most a
     * heartbeat writes {@code lastActiveAt} (less than {@code liveFor} minus the clients' interval).
     */
    public record Limits(int maxPerUser, Duration liveFor, Budget heartbeats, Budget heartbeatsHere, Duration touchEvery) {
        /** Every heartbeat writes (the behaviour before {@code touchEvery}; tests of other behaviour). */
        public Limits(int maxPerUser, Duration liveFor, Budget heartbeats) {
            this(maxPerUser, liveFor, heartbeats, Budget.unlimited("heartbeat"), Duration.ZERO);
        }

        public static Limits none() {
            return new Limits(Integer.MAX_VALUE, Duration.ofDays(1), Budget.unlimited("heartbeat"));
        }
    }

    private static final int MAX_TOUCHED = 50_000;
    /** When this instance last wrote a connection's {@code lastActiveAt}, by connection id. */
    private final Map<String, Long> touched = new ConcurrentHashMap<>();

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds,
                             Limits limits) {
        this(connections, presence, clock, ttlSeconds, limits, null);
    }

    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds,
                             Limits limits, InboxStore inbox) {
        this(connections, presence, clock, ttlSeconds, limits, inbox, null);
    }

    /** @param gateway asked, for a user at the connect limit, which of their connections are still open */
    public ConnectionService(ConnectionStore connections, PresenceService presence, Clock clock, long ttlSeconds,
                             Limits limits, InboxStore inbox, Supplier<ConnectionCheck> gateway) {
        this.gateway = gateway;
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
     * {@link TooManyConnectionsException} and nothing is written. Live: heard from within
     * {@code liveFor} and, when the user is at the limit, still open at the gateway
     * ({@link #stillOpen}): API Gateway delivers {@code $disconnect} on a best-effort basis, so a
     * user whose {@code $disconnect}s were lost (or whose gateway restarted) is not locked out.
     */
    public void connect(Caller caller) {
        long now = clock.millis();
        if (limits.maxPerUser() != Integer.MAX_VALUE) {
            long since = now - limits.liveFor().toMillis();
            List<Connection> recent = connections.forUser(caller.userId()).stream()
                    .filter(connection -> Math.max(connection.connectedAt(), connection.lastActiveAt()) > since).toList();
            if (recent.size() >= limits.maxPerUser() && stillOpen(recent, now) >= limits.maxPerUser()) {
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

    /**
     * How many of {@code recent} the gateway still holds (GetConnection on each; only a user at the
     * limit pays these calls). One that answers 410 is not counted, and its records are removed
     * once it is older than the $connect integration's timeout: a connection still in its own
     * {@code $connect} is not established yet, so the gateway may answer 410 for it too, and
     * removing its record would leave it open but unknown. Without a gateway, or on any other
     * answer, a connection counts as open.
     */
    private long stillOpen(List<Connection> recent, long now) {
        if (gateway == null) {
            return recent.size();
        }
        long connecting = now - AwsLimits.INTEGRATION_TIMEOUT.toMillis();
        long open = 0;
        for (Connection connection : recent) {
            if (gateway.get().check(connection.connectionId()) != ConnectionCheck.Answer.GONE) {
                open++;
            } else if (connection.connectedAt() < connecting) {
                connections.delete(connection.userId(), connection.connectionId());
                Telemetry.event("$connect").field("userId", connection.userId())
                        .field("connectionId", connection.connectionId()).field("outcome", "gone-removed")
                        .emit(Telemetry.Level.INFO);
            }
        }
        return open;
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
        return heartbeat(caller, 0);
    }

    /**
     * Marks the connection alive, writing its {@code lastActiveAt} only when the stored one may be
     * older than {@link Limits#touchEvery}: it is at least {@code connectedAt} (the $connect wrote
     * it) and at least the last time this instance wrote it. A heartbeat that writes nothing
     * spends a token of this instance's heartbeat budget only; one that writes spends the shared
     * budget too. So {@code lastActiveAt} lags the last heartbeat by less than {@code touchEvery}
     * (docs/architecture.md, Presence). Returns the server time for the {@code pong}.
     *
     * @param connectedAt when API Gateway accepted the connection (epoch ms; 0 when unknown)
     */
    public long heartbeat(Caller caller, long connectedAt) {
        long now = clock.millis();
        limits.heartbeatsHere().spend(caller.userId());
        long touchEvery = limits.touchEvery().toMillis();
        Long touchedHere = touched.get(caller.connectionId());
        long storedAtLeast = Math.max(connectedAt, touchedHere == null ? 0 : touchedHere);
        if (now - storedAtLeast < touchEvery) {
            return now;
        }
        limits.heartbeats().spend(caller.userId());
        connections.touch(caller.userId(), caller.connectionId(), caller.deviceId(), now, ttlSeconds);
        if (touched.size() >= MAX_TOUCHED) {
            touched.values().removeIf(at -> now - at >= touchEvery);
        }
        touched.put(caller.connectionId(), now);
        return now;
    }
}
