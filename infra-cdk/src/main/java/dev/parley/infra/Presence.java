package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Queues;
import dev.parley.model.routes.Trigger;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.constructs.Construct;

/**
 * Presence: the connect function queues the publish of a change on the presence queue, the
 * disconnect function an offline check (delivery delayed by the reconnect grace period, as SQS
 * DelaySeconds, or none after a clean sign-out); the function the catalogue names for that queue
 * consumes both, reporting failed messages; what keeps failing is dead-lettered.
 */
final class Presence extends QueueConcern {
    /** Lambda's documented rule for an SQS event source: visibility timeout at least 6x the function timeout. */
    static final int VISIBILITY_TIMEOUT_FACTOR = WorkQueues.VISIBILITY_TIMEOUT_FACTOR;

    Presence(Construct scope, String id) {
        super(scope, id, "PresenceDeadLetterQueue", "presence", false,
                (self, deadLetters) -> WorkQueues.work(self, "PresenceQueue", consumer(), deadLetters, 3).build());
    }

    /** Lets the connect and disconnect functions queue work and the catalogue's consumer receive it. */
    void connect(Functions functions) {
        queue().grantSendMessages(functions.function(Catalogue.CONNECT).function());
        queue().grantSendMessages(functions.function(Catalogue.DISCONNECT).function());
        // What SqsEventSource does, under the id it gave the mapping before the stack was grouped
        // by concern (a new id would replace the mapping).
        WorkQueues.consume(functions, consumer(), queue(), "SqsEventSource:" + StableLogicalIds.nodeUniqueId(queue()),
                EventSourceMappingOptions.builder().batchSize(10));
    }

    private static dev.parley.model.routes.FunctionSpec consumer() {
        return Catalogue.forTrigger(new Trigger.QueueMessages(Queues.PRESENCE)).orElseThrow();
    }
}
