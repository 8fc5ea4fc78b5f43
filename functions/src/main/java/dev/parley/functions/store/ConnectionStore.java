package dev.parley.functions.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * The live connections (and registered push devices, where known) of many users at once, for
     * fan-out: every user asked for is a key of the answer. Of a connection only
     * {@code connectionId} and {@code deviceId} are meaningful. May lag a connection made a moment ago (an eventually consistent read): such a
     * device syncs after connecting and catches up on its own.
     */
    default Map<String, LiveUser> forUsers(Collection<String> userIds) {
        Map<String, LiveUser> found = new LinkedHashMap<>();
        userIds.forEach(userId -> found.put(userId, new LiveUser(forUser(userId), null)));
        return found;
    }
}
