package dev.parley.functions.store;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** What observers were last told about each user's presence. */
public interface PresenceStore {

    record State(String userId, boolean online, long lastActiveAt) {}

    /** Records the user online; true when observers had not been told so (a change to publish). */
    boolean markOnline(String userId, long now);

    /** Records the user offline as of {@code lastActiveAt}; true when they were online (a change to publish). */
    boolean markOffline(String userId, long lastActiveAt, long now);

    /** What observers were last told (an eventually consistent read). */
    Optional<State> get(String userId);

    /** The same, read strongly consistently: what the change just recorded by another function says. */
    Optional<State> getConsistent(String userId);

    /**
     * What observers were last told about each of these users (users never seen are absent), in
     * batches of 100 keys, eventually consistent (0.5 RRU per user).
     */
    Map<String, State> getAll(Collection<String> userIds);
}
