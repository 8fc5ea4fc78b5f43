package dev.parley.model.aws;

import java.time.Duration;

/**
 * The limits AWS enforces on Parley, stated once: the CDK app deploys with them, the local runtime
 * enforces them, and the functions size their replies by them. docs/local-runtime.md lists each
 * with the AWS documentation it comes from and the test that pins the local behaviour.
 */
public final class AwsLimits {
    /** API Gateway WebSocket: one frame at most 32 KB; larger closes the connection with 1009. */
    public static final int WEBSOCKET_FRAME_BYTES = 32 * 1024;
    /** API Gateway WebSocket: one message (frames reassembled) at most 128 KB; larger closes with 1009. */
    public static final int WEBSOCKET_MESSAGE_BYTES = 128 * 1024;
    /** WebSocket close code API Gateway sends for an oversized frame or message. */
    public static final int CLOSE_MESSAGE_TOO_BIG = 1009;
    /** API Gateway WebSocket: a connection with no traffic for this long is closed. */
    public static final Duration WEBSOCKET_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** API Gateway WebSocket: a connection lives at most this long. */
    public static final Duration WEBSOCKET_CONNECTION_DURATION = Duration.ofHours(2);
    /** API Gateway: an integration (the Lambda behind a route) must answer within this. */
    public static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(29);
    /** API Gateway WebSocket: new connections per second per account and Region (default quota). */
    public static final int NEW_CONNECTIONS_PER_SECOND = 500;
    /** API Gateway HTTP API: a request body (payload) at most 10 MB. */
    public static final int HTTP_PAYLOAD_BYTES = 10 * 1024 * 1024;
    /**
     * SigV4 on API Gateway ({@code execute-api}, the {@code @connections} API): a request dated more
     * than this before or after the service's clock is refused ("Signature expired: ... - 5 min.").
     */
    public static final Duration SIGNATURE_CLOCK_SKEW = Duration.ofMinutes(5);
    /**
     * Lambda: a synchronous invocation's request payload (the whole event) at most 6 MB; API Gateway
     * answers a larger one 413 {@code {"message": "Request Too Long"}}.
     */
    public static final int LAMBDA_REQUEST_BYTES = 6 * 1024 * 1024;
    /** Lambda: a synchronous invocation's response payload at most 6 MB. */
    public static final int LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;

    /**
     * The largest reply or push Parley builds on purpose: well under {@link #WEBSOCKET_MESSAGE_BYTES}
     * so that framing, escaping and the fields around a page never push it over.
     */
    public static final int REPLY_BUDGET_BYTES = 96 * 1024;

    /**
     * The event-source mapping of the fan-out function on the messages stream, as deployed and as
     * the local poller runs it.
     *
     * @param batchSize             records per invocation at most
     * @param maxRetryAttempts      retries of a failing batch before its records go to the on-failure destination
     * @param bisectOnError         split a failing batch in two and retry each half
     * @param maxRecordAge          records older than this go to the on-failure destination unprocessed
     * @param parallelizationFactor concurrent batches per shard
     */
    public record StreamMapping(int batchSize, int maxRetryAttempts, boolean bisectOnError, Duration maxRecordAge,
                                int parallelizationFactor) {}

    /**
     * Parallelization factor 1: DynamoDB Streams keeps order per item only, and every message is
     * its own item, so with more than one concurrent batch per shard one conversation's pushes can
     * leave out of seq order. A shard is one table partition; docs/scale.md gives the throughput
     * this leaves per shard and how larger deployments keep order instead.
     */
    public static final StreamMapping FANOUT_STREAM = new StreamMapping(100, 5, true, Duration.ofHours(1), 1);

    private AwsLimits() {}
}
