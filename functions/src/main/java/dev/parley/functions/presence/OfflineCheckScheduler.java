package dev.parley.functions.presence;

import java.time.Duration;

/** Asks for a user's presence to be checked again after a delay (the reconnect grace period). */
public interface OfflineCheckScheduler {
    void schedule(String userId, Duration delay);
}
