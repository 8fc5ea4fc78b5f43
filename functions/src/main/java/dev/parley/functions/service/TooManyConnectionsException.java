package dev.parley.functions.service;

/**
 * A user already holds their share of live connections. Not a wire error: the {@code $connect}
 * handler answers HTTP 429 and API Gateway refuses the upgrade, so no socket opens.
 */
public final class TooManyConnectionsException extends RuntimeException {
    public TooManyConnectionsException(String userId, int max) {
        super(userId + " already holds " + max + " live connections", null, false, false);
    }
}
