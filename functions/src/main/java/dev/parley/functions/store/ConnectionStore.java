package dev.parley.functions.store;

import java.util.List;

/** Which connections each user has open. */
public interface ConnectionStore {
    /** Records a new connection; it expires on its own after {@code ttlSeconds}. */
    void save(Connection connection, long ttlSeconds);

    /**
     * Refreshes {@code lastActiveAt}. Re-creates the mapping if it was removed (a stale 410 cleanup
     * or expiry), so a connection that still heartbeats keeps receiving pushes.
     */
    void touch(String userId, String connectionId, String deviceId, long now, long ttlSeconds);

    void delete(String userId, String connectionId);

    /** Every connection of the user, read strongly consistently so a device that just connected is included. */
    List<Connection> forUser(String userId);
}
