package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Queues;
import dev.parley.model.routes.Trigger;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Presence: the connect function queues the publish of a change on the presence queue, the
 * disconnect function an offline check (delivery delayed by the reconnect grace period, as SQS
 * DelaySeconds, or none after a clean sign-out); the function the catalogue names for that queue
 * consumes both, reporting failed messages; what keeps failing is dead-lettered.
 */
final class Presence extends Concern {
    /** Lambda's documented rule for an SQS event source: visibility timeout at least 6x the function timeout. */
    static final int VISIBILITY_TIMEOUT_FACTOR = 6;

    private final Queue queue;
    private final Queue deadLetters;

    Presence(Construct scope, String id) {
        super(scope, id);
        deadLetters = Queue.Builder.create(this, "PresenceDeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(4))
                .build();
        Nag.suppress(deadLetters, "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of the presence queue; its depth is alarmed.");
        queue = Queue.Builder.create(this, "PresenceQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // AWS: at least six times the consuming function's timeout, so that a message is
                // not redelivered while a retried invocation may still be working on it.
                .visibilityTimeout(Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * consumer().timeout().toSeconds()))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(3).build())
                .build();
    }

    /** The queue's URL, which the scheduling function is given. */
    String queueUrl() {
        return queue.getQueueUrl();
    }

    Queue queue() {
        return queue;
    }

    Queue deadLetters() {
        return deadLetters;
    }

    /** Lets the connect and disconnect functions queue work and the catalogue's consumer receive it. */
    void connect(Functions functions) {
        queue.grantSendMessages(functions.function(Catalogue.CONNECT).function());
        queue.grantSendMessages(functions.function(Catalogue.DISCONNECT).function());
        // What SqsEventSource does, under the id it gave the mapping before the stack was grouped
        // by concern (a new id would replace the mapping).
        JavaFunction consumer = functions.function(consumer());
        consumer.live().addEventSourceMapping("SqsEventSource:" + StableLogicalIds.nodeUniqueId(queue),
                EventSourceMappingOptions.builder()
                        .eventSourceArn(queue.getQueueArn())
                        .batchSize(10)
                        .reportBatchItemFailures(true)
                        .build());
        queue.grantConsumeMessages(consumer.live());
    }

    private static dev.parley.model.routes.FunctionSpec consumer() {
        return Catalogue.forTrigger(new Trigger.QueueMessages(Queues.PRESENCE)).orElseThrow();
    }
}
