package dev.parley.local.streams;

import java.time.Duration;

/**
 * The settings of a Lambda event-source mapping on a DynamoDB stream that the local poller
 * honours, with the values the CDK app deploys.
 *
 * @param batchSize          records per invocation at most
 * @param maxRetryAttempts   retries of a failing batch before its records go to the on-failure destination
 * @param bisectOnError      split a batch whose invocation failed in two, retrying each half
 * @param maxRecordAge       records older than this go to the on-failure destination unprocessed
 */
public record EventSourceMapping(int batchSize, int maxRetryAttempts, boolean bisectOnError, Duration maxRecordAge) {
    public static final EventSourceMapping DEFAULT = new EventSourceMapping(100, 5, true, Duration.ofHours(24));
}
