package dev.parley.functions.service;

import dev.parley.functions.presence.OfflineCheckScheduler;
import dev.parley.functions.store.BlockStore;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.PresenceStore;
import dev.parley.functions.push.PushFrames;
import dev.parley.model.domain.PresenceState;
import dev.parley.model.errors.BadRequestException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Presence (SPEC section 5). A user is online while they have a live connection: one that
 * connected or heartbeated within the presence timeout. Observers (the user's direct-conversation
 * peers) are told of changes only:
 * <ul>
 *   <li>online: when a connection is recorded and observers had not been told "online";</li>
 *   <li>offline: not at disconnect, but after the grace period, by a delayed check that finds no
 *       live connection. A reconnect within the grace period therefore produces no frame at all:
 *       no offline/online flap.</li>
 * </ul>
 * The presence item's conditional updates make each change published once, whatever the races.
 * A user is never shown to someone they blocked (protocol v2): their changes are not pushed to
 * them, and a query by them answers "offline, never active", as for a user never seen.
 */
public final class PresenceService {
    public static final int MAX_USERS_PER_QUERY = 100;

    private final ConnectionStore connections;
    private final ConversationAccess access;
    private final PresenceStore presence;
    private final Broadcaster broadcaster;
    private final Supplier<OfflineCheckScheduler> scheduler;
    private final Clock clock;
    private final Duration grace;
    private final Duration timeout;
    private final Budget queries;
    private final BlockStore blocks;

    public PresenceService(ConnectionStore connections, ConversationAccess access, PresenceStore presence,
                           Broadcaster broadcaster, Supplier<OfflineCheckScheduler> scheduler, Clock clock,
                           Duration grace, Duration timeout, Budget queries, BlockStore blocks) {
        this.queries = queries;
        this.blocks = blocks;
        this.connections = connections;
        this.access = access;
        this.presence = presence;
        this.broadcaster = broadcaster;
        this.scheduler = scheduler;
        this.clock = clock;
        this.grace = grace;
        this.timeout = timeout;
    }

    /** After a connection of the user was recorded. */
    public void connected(String userId) {
        long now = clock.millis();
        if (presence.markOnline(userId, now)) {
            publish(userId, true, now);
        }
    }

    /** After a connection of the user was removed: if it was the last, check again after the grace period. */
    public void disconnected(String userId) {
        if (live(connections.forUser(userId), clock.millis()).isEmpty()) {
            scheduler.get().schedule(userId, grace);
        }
    }

    /** The delayed check: publishes offline if the user has no live connection now. */
    public void checkOffline(String userId) {
        long now = clock.millis();
        List<Connection> all = connections.forUser(userId);
        if (!live(all, now).isEmpty()) {
            return;
        }
        long lastActiveAt = all.stream().mapToLong(PresenceService::activeAt).max()
                .orElse(presence.get(userId).map(PresenceStore.State::lastActiveAt).orElse(now));
        if (presence.markOffline(userId, lastActiveAt, now)) {
            publish(userId, false, lastActiveAt);
        }
    }

    /** Presence of some users, as observers would see it now. */
    public List<PresenceState> query(String caller, List<String> userIds) {
        queries.spend(caller);
        if (userIds.size() > MAX_USERS_PER_QUERY) {
            throw new BadRequestException("at most " + MAX_USERS_PER_QUERY + " users per presence query");
        }
        long now = clock.millis();
        List<PresenceState> result = new ArrayList<>();
        Set<String> hidden = userIds.isEmpty() ? Set.of() : blocks.blockedBy(caller);
        for (String userId : new LinkedHashSet<>(userIds)) {
            result.add(hidden.contains(userId) ? new PresenceState(userId, false, 0) : current(userId, now));
        }
        return result;
    }

    /**
     * {@code blocker} just blocked {@code blocked}: the blocked user's connections are told the
     * blocker is offline and was never active (what they are shown from now on), so an "online"
     * they were told before does not stay on their screen.
     */
    public void conceal(String blocker, String blocked) {
        broadcaster.broadcast(List.of(blocked), PushFrames.presence(new PresenceState(blocker, false, 0)), null);
    }

    /** The block is lifted: the formerly blocked user's connections are told the user's presence now. */
    public void reveal(String userId, String to) {
        broadcaster.broadcast(List.of(to), PushFrames.presence(current(userId, clock.millis())), null);
    }

    private PresenceState current(String userId, long now) {
        List<Connection> live = live(connections.forUser(userId), now);
        if (!live.isEmpty()) {
            return new PresenceState(userId, true, live.stream().mapToLong(PresenceService::activeAt).max().orElse(now));
        }
        return new PresenceState(userId, false, presence.get(userId).map(PresenceStore.State::lastActiveAt).orElse(0L));
    }

    private void publish(String userId, boolean online, long lastActiveAt) {
        Set<String> peers = new LinkedHashSet<>(access.directPeers(userId));
        if (!peers.isEmpty()) {
            peers.removeAll(blocks.blocked(userId));
        }
        if (!peers.isEmpty()) {
            broadcaster.broadcast(peers, PushFrames.presence(new PresenceState(userId, online, lastActiveAt)), null);
        }
    }

    private List<Connection> live(List<Connection> all, long now) {
        long since = now - timeout.toMillis();
        return all.stream().filter(connection -> activeAt(connection) > since).toList();
    }

    private static long activeAt(Connection connection) {
        return Math.max(connection.connectedAt(), connection.lastActiveAt());
    }
}
