package dev.parley.local.streams;

import dev.parley.model.aws.AwsLimits;
import java.time.Duration;

/**
 * The settings of a Lambda event-source mapping on a DynamoDB stream that the local poller
 * honours. {@link #DEFAULT} is the mapping the CDK app deploys for the fan-out function
 * ({@link AwsLimits#FANOUT_STREAM}), so {@code ./parley local} runs what AWS runs.
 *
 * @param batchSize             records per invocation at most
 * @param maxRetryAttempts      retries of a failing batch before its records go to the on-failure destination
 * @param bisectOnError         split a batch whose invocation failed in two, retrying each half
 * @param maxRecordAge          records older than this go to the on-failure destination unprocessed
 * @param parallelizationFactor batches of one shard processed at once; above 1, order holds per item
 *                              (partition and sort key) only, as on AWS
 */
public record EventSourceMapping(int batchSize, int maxRetryAttempts, boolean bisectOnError, Duration maxRecordAge,
                                 int parallelizationFactor) {
    /** The deployed fan-out mapping. */
    public static final EventSourceMapping DEFAULT = of(AwsLimits.FANOUT_STREAM);

    public EventSourceMapping {
        if (batchSize < 1 || maxRetryAttempts < 0 || parallelizationFactor < 1 || parallelizationFactor > 10
                || maxRecordAge.isNegative() || maxRecordAge.isZero()) {
            throw new IllegalArgumentException("not a valid stream mapping: batch " + batchSize + ", retries "
                    + maxRetryAttempts + ", parallelization " + parallelizationFactor + ", max age " + maxRecordAge);
        }
    }

    public static EventSourceMapping of(AwsLimits.StreamMapping deployed) {
        return new EventSourceMapping(deployed.batchSize(), deployed.maxRetryAttempts(), deployed.bisectOnError(),
                deployed.maxRecordAge(), deployed.parallelizationFactor());
    }

    public EventSourceMapping withBatchSize(int size) {
        return new EventSourceMapping(size, maxRetryAttempts, bisectOnError, maxRecordAge, parallelizationFactor);
    }

    public EventSourceMapping withMaxRetryAttempts(int retries) {
        return new EventSourceMapping(batchSize, retries, bisectOnError, maxRecordAge, parallelizationFactor);
    }

    public EventSourceMapping withBisectOnError(boolean bisect) {
        return new EventSourceMapping(batchSize, maxRetryAttempts, bisect, maxRecordAge, parallelizationFactor);
    }

    public EventSourceMapping withMaxRecordAge(Duration age) {
        return new EventSourceMapping(batchSize, maxRetryAttempts, bisectOnError, age, parallelizationFactor);
    }

    public EventSourceMapping withParallelizationFactor(int factor) {
        return new EventSourceMapping(batchSize, maxRetryAttempts, bisectOnError, maxRecordAge, factor);
    }
}
