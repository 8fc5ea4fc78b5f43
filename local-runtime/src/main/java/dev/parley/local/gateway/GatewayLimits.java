package dev.parley.local.gateway;

import dev.parley.model.aws.AwsLimits;
import java.time.Duration;

/**
 * What the local gateway enforces. The defaults are API Gateway's ({@link AwsLimits}); tests
 * shorten the timeouts to see them act.
 *
 * @param maxConnections           open connections before {@code $connect} answers 429
 * @param connectRate              new connections per second before {@code $connect} answers 429
 * @param idleTimeout              a connection without a frame either way for this long is closed (1001)
 * @param maxConnectionDuration    a connection is closed (1001) this long after it opened
 * @param queuedFramesPerConnection frames read from one connection and not yet invoked; past this the
 *                                 gateway stops reading that socket (TCP backpressure) until one is taken
 * @param invocationsPerConnection route invocations of one connection running at once, so that one
 *                                 connection's flood cannot hold every invocation thread
 */
public record GatewayLimits(int maxConnections, int connectRate, Duration idleTimeout, Duration maxConnectionDuration,
                            int queuedFramesPerConnection, int invocationsPerConnection) {
    public static final GatewayLimits DEFAULTS = new GatewayLimits(Admission.DEFAULT_MAX_CONNECTIONS,
            Admission.DEFAULT_CONNECT_RATE, AwsLimits.WEBSOCKET_IDLE_TIMEOUT, AwsLimits.WEBSOCKET_CONNECTION_DURATION,
            32, 4);

    public GatewayLimits {
        if (maxConnections < 1 || connectRate < 1 || queuedFramesPerConnection < 1 || invocationsPerConnection < 1) {
            throw new IllegalArgumentException("gateway limits must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxConnectionDuration.isNegative()
                || maxConnectionDuration.isZero()) {
            throw new IllegalArgumentException("gateway timeouts must be positive");
        }
    }
}
