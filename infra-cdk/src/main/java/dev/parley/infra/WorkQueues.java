package dev.parley.infra;

import dev.parley.model.routes.FunctionSpec;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * What the stack's SQS work queues (presence, fan-out chunks, notifications) share: encryption,
 * TLS only, a visibility timeout of six times the consuming function's timeout (Lambda's rule for
 * an SQS event source), a dead-letter queue kept four days and alarmed, and a consumer that reports
 * failed messages one by one.
 */
final class WorkQueues {
    /** Lambda's documented rule for an SQS event source: visibility timeout at least 6x the function timeout. */
    static final int VISIBILITY_TIMEOUT_FACTOR = 6;

    private WorkQueues() {}

    /** A dead-letter queue for the work queue {@code of} (a FIFO queue needs a FIFO one). */
    static Queue deadLetters(Construct scope, String id, String of, boolean fifo) {
        Queue deadLetters = Queue.Builder.create(scope, id)
                .fifo(fifo ? true : null)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(4))
                .build();
        Nag.suppress(deadLetters, "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of the " + of + " queue; its depth is alarmed.");
        return deadLetters;
    }

    /** A work queue's builder with the shared settings; the caller adds what is its own and builds. */
    static Queue.Builder work(Construct scope, String id, FunctionSpec consumer, Queue deadLetters, int maxReceives) {
        return Queue.Builder.create(scope, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // so that a message is not redelivered while a retried invocation may still work on it
                .visibilityTimeout(Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * consumer.timeout().toSeconds()))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(maxReceives).build());
    }

    /** The consumer's live alias takes the queue's messages in batches, reporting failed ones. */
    static void consume(Functions functions, FunctionSpec consumer, Queue queue, String mappingId,
                        EventSourceMappingOptions.Builder batches) {
        JavaFunction function = functions.function(consumer);
        function.live().addEventSourceMapping(mappingId, batches
                .eventSourceArn(queue.getQueueArn())
                .reportBatchItemFailures(true)
                .build());
        queue.grantConsumeMessages(function.live());
    }
}
