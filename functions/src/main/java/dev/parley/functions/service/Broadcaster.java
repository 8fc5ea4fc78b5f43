package dev.parley.functions.service;

import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import dev.parley.functions.store.LiveUser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Posts one frame to every connection of some users, concurrently and awaited, with the
 * {@link Poster.Policy#BEST_EFFORT best-effort} policy: used for signals whose truth is also
 * stored (presence, membership, read cursors), so a post that fails is not retried. One user's
 * connections are read strongly consistently (a user's own devices); many users' live items
 * 100 at a time, as fan-out reads them.
 */
public final class Broadcaster {
    private final ConnectionStore connections;
    private final Poster poster;
    private final ExecutorService executor;

    public Broadcaster(ConnectionStore connections, Poster poster, ExecutorService executor) {
        this.connections = connections;
        this.poster = poster;
        this.executor = executor;
    }

    /** Posts to every connection of the users except {@code exceptConnectionId} (may be null); returns users reached. */
    public int broadcast(Collection<String> userIds, String frame, String exceptConnectionId) {
        List<String> users = new ArrayList<>(new LinkedHashSet<>(userIds));
        Map<String, Future<Map<String, LiveUser>>> lookups = new HashMap<>();
        if (users.size() > 1) {
            for (int from = 0; from < users.size(); from += FanoutLookups.USERS_PER_LOOKUP) {
                List<String> part = users.subList(from, Math.min(users.size(), from + FanoutLookups.USERS_PER_LOOKUP));
                Future<Map<String, LiveUser>> lookup = executor.submit(() -> connections.forUsers(part));
                part.forEach(user -> lookups.put(user, lookup));
            }
        }
        List<Future<Boolean>> posts = new ArrayList<>();
        for (String userId : users) {
            Future<Map<String, LiveUser>> lookup = lookups.get(userId);
            posts.add(executor.submit(() -> {
                int delivered = 0;
                for (Connection connection : lookup == null ? connections.forUser(userId) : lookup.get().get(userId).connections()) {
                    if (!connection.connectionId().equals(exceptConnectionId)
                            && poster.post(connection, frame, Poster.Policy.BEST_EFFORT).result() == Poster.Result.DELIVERED) {
                        delivered++;
                    }
                }
                return delivered > 0;
            }));
        }
        int delivered = 0;
        for (Future<Boolean> post : posts) {
            try {
                delivered += post.get() ? 1 : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException lookupFailed) {
                // A user whose connections could not be read misses this signal; it is best effort.
            }
        }
        return delivered;
    }
}
