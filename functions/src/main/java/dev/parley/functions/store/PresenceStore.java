package dev.parley.functions.store;

import java.util.Optional;

/** What observers were last told about each user's presence. */
public interface PresenceStore {

    record State(String userId, boolean online, long lastActiveAt) {}

    /** Records the user online; true when observers had not been told so (a change to publish). */
    boolean markOnline(String userId, long now);

    /** Records the user offline as of {@code lastActiveAt}; true when they were online (a change to publish). */
    boolean markOffline(String userId, long lastActiveAt, long now);

    Optional<State> get(String userId);
}
