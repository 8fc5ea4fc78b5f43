package dev.parley.functions.service;

import dev.parley.functions.presence.PresenceQueue;
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
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Presence (SPEC section 5). A user is online while they have a live connection: one that
 * connected or heartbeated within the presence timeout. Observers (the user's direct-conversation
 * peers) are told of changes only:
 * <ul>
 *   <li>online: when a connection is recorded and observers had not been told "online";</li>
 *   <li>offline: after a clean sign-out (the client closed its last connection with 1000) at
 *       once; otherwise not at disconnect but after the grace period, by a delayed check that
 *       finds no live connection. A reconnect within the grace period after a drop therefore
 *       produces no frame at all: no offline/online flap.</li>
 * </ul>
 * The presence item's conditional updates make each change published once, whatever the races.
 * Publishing is never done by the route that caused the change: {@code $connect} records the
 * change and queues a publish message, {@code $disconnect} queues the check; the presence-check
 * function does the reads and posts, so a user with 5,000 peers connects as fast as one with
 * none. A change is posted only to peers whose presence item says online (read in batches of
 * 100): an offline peer asks {@code GET /presence} when it comes back.
 * A user is never shown to someone they blocked (protocol v2): their changes are not pushed to
 * them, and a query by them answers "offline, never active", as for a user never seen.
 */
public final class PresenceService {
    public static final int MAX_USERS_PER_QUERY = 100;

    private final ConnectionStore connections;
    private final ConversationAccess access;
    private final PresenceStore presence;
    private final Broadcaster broadcaster;
    private final Supplier<PresenceQueue> queue;
    private final Clock clock;
    private final Duration grace;
    private final Duration timeout;
    private final Budget queries;
    private final BlockStore blocks;

    public PresenceService(ConnectionStore connections, ConversationAccess access, PresenceStore presence,
                           Broadcaster broadcaster, Supplier<PresenceQueue> queue, Clock clock,
                           Duration grace, Duration timeout, Budget queries, BlockStore blocks) {
        this.queries = queries;
        this.blocks = blocks;
        this.connections = connections;
        this.access = access;
        this.presence = presence;
        this.broadcaster = broadcaster;
        this.queue = queue;
        this.clock = clock;
        this.grace = grace;
        this.timeout = timeout;
    }

    /**
     * After a connection of the user was recorded: one conditional write; when it is a change,
     * a publish message for the presence-check function (observers hear it a few milliseconds
     * after the connection opened, not before {@code $connect} answers).
     */
    public void connected(String userId) {
        long now = clock.millis();
        if (presence.markOnline(userId, now)) {
            queue.get().publish(userId);
        }
    }

    /** After a connection of the user was dropped (no clean close): the grace period applies. */
    public void disconnected(String userId) {
        disconnected(userId, false);
    }

    /**
     * After a connection of the user was removed: if it was the last, the offline check runs
     * after the grace period, or at once when the client signed out ({@code signedOut}: it closed
     * the connection itself with 1000, docs/protocol.md) since no reconnect is coming.
     */
    public void disconnected(String userId, boolean signedOut) {
        if (live(connections.forUser(userId), clock.millis()).isEmpty()) {
            queue.get().checkOffline(userId, signedOut ? Duration.ZERO : grace);
        }
    }

    /**
     * The publish message of {@link #connected}: posts the presence recorded now (a strongly
     * consistent read), so a publish that arrives after a later offline check repeats "offline"
     * rather than showing a user online who has left.
     */
    public void publishRecorded(String userId) {
        presence.getConsistent(userId).ifPresent(state -> publish(userId, state.online(), state.lastActiveAt()));
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

    /**
     * Presence of some users, as observers would see it now: the users' presence items in one
     * BatchGetItem (100 users at most), then the connections of those recorded online only (a
     * heartbeat that stopped makes a user offline after the timeout, before any check ran).
     */
    public List<PresenceState> query(String caller, List<String> userIds) {
        queries.spend(caller);
        if (userIds.size() > MAX_USERS_PER_QUERY) {
            throw new BadRequestException("at most " + MAX_USERS_PER_QUERY + " users per presence query");
        }
        long now = clock.millis();
        Set<String> unique = new LinkedHashSet<>(userIds);
        Set<String> hidden = unique.isEmpty() ? Set.of() : blocks.blockedBy(caller);
        List<String> shown = unique.stream().filter(userId -> !hidden.contains(userId)).toList();
        Map<String, PresenceStore.State> recorded = shown.isEmpty() ? Map.of() : presence.getAll(shown);
        List<PresenceState> result = new ArrayList<>();
        for (String userId : unique) {
            PresenceStore.State state = recorded.get(userId);
            if (hidden.contains(userId) || state == null) {
                result.add(new PresenceState(userId, false, 0));
            } else if (!state.online()) {
                result.add(new PresenceState(userId, false, state.lastActiveAt()));
            } else {
                result.add(fromConnections(userId, state.lastActiveAt(), now));
            }
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
        return fromConnections(userId, presence.get(userId).map(PresenceStore.State::lastActiveAt).orElse(0L), now);
    }

    private PresenceState fromConnections(String userId, long recordedLastActiveAt, long now) {
        List<Connection> all = connections.forUser(userId);
        List<Connection> live = live(all, now);
        if (!live.isEmpty()) {
            return new PresenceState(userId, true, live.stream().mapToLong(PresenceService::activeAt).max().orElse(now));
        }
        long lastActiveAt = Math.max(recordedLastActiveAt, all.stream().mapToLong(PresenceService::activeAt).max().orElse(0L));
        return new PresenceState(userId, false, lastActiveAt);
    }

    /**
     * Posts the change to the user's direct peers that can use it: not those the user blocked,
     * and only those recorded online (a peer offline now gets the state from {@code GET
     * /presence} when it comes back, which is what a push to no connection would have missed).
     */
    private void publish(String userId, boolean online, long lastActiveAt) {
        Set<String> peers = new LinkedHashSet<>(access.directPeers(userId));
        if (!peers.isEmpty()) {
            peers.removeAll(blocks.blocked(userId));
        }
        if (peers.isEmpty()) {
            return;
        }
        Map<String, PresenceStore.State> recorded = presence.getAll(peers);
        List<String> onlinePeers = peers.stream()
                .filter(peer -> recorded.containsKey(peer) && recorded.get(peer).online()).toList();
        if (!onlinePeers.isEmpty()) {
            broadcaster.broadcast(onlinePeers, PushFrames.presence(new PresenceState(userId, online, lastActiveAt)), null);
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
