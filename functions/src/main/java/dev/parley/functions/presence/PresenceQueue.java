package dev.parley.functions.presence;

import java.time.Duration;

/**
 * The presence queue: work on a user's presence that runs after the route that caused it, in the
 * presence-check function, so that neither {@code $connect} nor {@code $disconnect} waits for it.
 * Its consumer publishes the presence recorded when it runs, not the one of the moment a message
 * was queued, so messages delivered late or out of order publish nothing stale.
 */
public interface PresenceQueue {
    /** Checks after {@code delay} whether the user is still without a live connection (then publishes offline). */
    void checkOffline(String userId, Duration delay);

    /** Publishes the user's presence to the peers who can use it, at once. */
    void publish(String userId);

    /** The body of a publish message: a user id never contains a colon, an offline check's body is the bare id. */
    static String publishBody(String userId) {
        return PUBLISH_PREFIX + userId;
    }

    String PUBLISH_PREFIX = "publish:";
}
