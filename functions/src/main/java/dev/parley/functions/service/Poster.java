package dev.parley.functions.service;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.push.PushThrottledException;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.ConnectionStore;
import java.util.function.Supplier;

/**
 * Posts a frame to one connection through the @connections API, with one of two policies, and
 * removes a connection that answers 410 (API Gateway delivers {@code $disconnect} on a
 * best-effort basis; a 410 is the reliable signal).
 */
public final class Poster {

    /** How hard to try. */
    public enum Policy {
        /**
         * For what must arrive (timeline entries): a throttled post (429) is retried after 50,
         * 100, 200 ms; any other failure is thrown, for the caller to retry the whole delivery.
         */
        RETRY,
        /**
         * For signals whose truth is also stored and fetchable (presence, membership, read
         * cursors): one attempt; a failure is reported, never thrown.
         */
        BEST_EFFORT
    }

    public enum Result { DELIVERED, GONE, FAILED }

    /** What one post did; {@code throttled} counts the 429s met on the way. */
    public record Outcome(Result result, int throttled) {}

    static final int THROTTLE_RETRIES = 3;
    static final long THROTTLE_BACKOFF_MILLIS = 50;

    private final ConnectionStore connections;
    private final Supplier<ConnectionPusher> pusher;

    public Poster(ConnectionStore connections, Supplier<ConnectionPusher> pusher) {
        this.connections = connections;
        this.pusher = pusher;
    }

    /** Posts and awaits the answer. With {@link Policy#RETRY}, a failure that is not 410 is thrown. */
    public Outcome post(Connection connection, String frame, Policy policy) {
        int throttled = 0;
        for (int attempt = 0; ; attempt++) {
            try {
                if (pusher.get().post(connection.connectionId(), frame) == ConnectionPusher.Outcome.GONE) {
                    connections.delete(connection.userId(), connection.connectionId());
                    return new Outcome(Result.GONE, throttled);
                }
                return new Outcome(Result.DELIVERED, throttled);
            } catch (PushThrottledException throttle) {
                throttled++;
                if (policy == Policy.BEST_EFFORT) {
                    return new Outcome(Result.FAILED, throttled);
                }
                if (attempt == THROTTLE_RETRIES || !backOff(attempt)) {
                    throw new PostFailedException(throttle, throttled);
                }
            } catch (RuntimeException failed) {
                if (policy == Policy.BEST_EFFORT) {
                    return new Outcome(Result.FAILED, throttled);
                }
                throw new PostFailedException(failed, throttled);
            }
        }
    }

    private static boolean backOff(int attempt) {
        try {
            Thread.sleep(THROTTLE_BACKOFF_MILLIS << attempt);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A post that failed for good under {@link Policy#RETRY}. */
    public static final class PostFailedException extends RuntimeException {
        private final int throttled;

        PostFailedException(RuntimeException cause, int throttled) {
            super("@connections post failed", cause, false, false);
            this.throttled = throttled;
        }

        public int throttled() {
            return throttled;
        }
    }
}
