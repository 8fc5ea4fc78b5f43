package dev.parley.functions.service;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Posts one frame to every connection of some users, concurrently and awaited, best effort: used
 * for signals whose truth is also stored (presence, membership, read cursors), so a post that
 * fails is not retried. Gone connections (410) are removed.
 */
public final class Broadcaster {
    private final ConnectionStore connections;
    private final Supplier<ConnectionPusher> pusher;
    private final ExecutorService executor;

    public Broadcaster(ConnectionStore connections, Supplier<ConnectionPusher> pusher, ExecutorService executor) {
        this.connections = connections;
        this.pusher = pusher;
        this.executor = executor;
    }

    /** Posts to every connection of the users except {@code exceptConnectionId} (may be null); returns posts delivered. */
    public int broadcast(Collection<String> userIds, String frame, String exceptConnectionId) {
        List<Future<Boolean>> posts = new ArrayList<>();
        for (String userId : new LinkedHashSet<>(userIds)) {
            posts.add(executor.submit(() -> {
                int delivered = 0;
                for (Connection connection : connections.forUser(userId)) {
                    if (connection.connectionId().equals(exceptConnectionId)) {
                        continue;
                    }
                    try {
                        if (pusher.get().post(connection.connectionId(), frame) == ConnectionPusher.Outcome.GONE) {
                            connections.delete(connection.userId(), connection.connectionId());
                        } else {
                            delivered++;
                        }
                    } catch (RuntimeException notDelivered) {
                        // Best effort: the state behind this frame is stored and can be fetched.
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
