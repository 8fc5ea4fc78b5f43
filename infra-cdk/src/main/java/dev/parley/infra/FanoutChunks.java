package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Queues;
import dev.parley.model.routes.Trigger;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.amazon.awscdk.services.sqs.DeduplicationScope;
import software.amazon.awscdk.services.sqs.FifoThroughputLimit;
import software.constructs.Construct;

/**
 * Large conversations' fan-out in chunks (docs/architecture.md, "Fan-out"): the stream function
 * sends the chunks of a conversation above {@code FANOUT_CHUNK_SIZE} members to a FIFO queue, one
 * message group per bucket of members, and the chunk function the catalogue names for that queue
 * serves them. FIFO keeps each group's chunks in order (so each connection's pushes stay in seq
 * order) and drops a chunk sent again within five minutes (a retried stream batch). A chunk that
 * keeps failing goes to the dead-letter queue after five receives, its recipients recovering the
 * entries through sync.
 */
final class FanoutChunks extends QueueConcern {
    /** Receives before a chunk is dead-lettered: a post that fails for a minute is an outage, not a blip. */
    static final int MAX_RECEIVES = 5;

    FanoutChunks(Construct scope, String id) {
        super(scope, id, "FanoutChunksDeadLetterQueue", "fan-out chunks", true,
                (self, deadLetters) -> WorkQueues.work(self, "FanoutChunksQueue", consumer(), deadLetters, MAX_RECEIVES)
                        .fifo(true)
                        // Throughput per message group, not per queue: chunks of many conversations at once.
                        .deduplicationScope(DeduplicationScope.MESSAGE_GROUP)
                        .fifoThroughputLimit(FifoThroughputLimit.PER_MESSAGE_GROUP_ID)
                        // A push older than the stream mapping's record age is worth less than a sync.
                        .retentionPeriod(Duration.hours(1))
                        .build());
    }

    /** Lets the stream function send chunks and the catalogue's chunk function receive them. */
    void connect(Functions functions) {
        queue().grantSendMessages(functions.function(Catalogue.FANOUT).function());
        // Lambda reads up to 10 messages of a FIFO queue per batch; the function stops at the first
        // failure and reports it and every later message.
        WorkQueues.consume(functions, consumer(), queue(), "FanoutChunksEventSource",
                EventSourceMappingOptions.builder().batchSize(10));
    }

    private static FunctionSpec consumer() {
        return Catalogue.forTrigger(new Trigger.QueueMessages(Queues.FANOUT)).orElseThrow();
    }
}
