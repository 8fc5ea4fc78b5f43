package dev.parley.infra;

import java.util.function.BiFunction;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * A concern built around one work queue and its dead-letter queue (presence, fan-out chunks,
 * notifications): the two queues, made in the concern's scope, and what the stack and the alarms
 * read of them.
 */
abstract class QueueConcern extends Concern {
    private final Queue deadLetters;
    private final Queue queue;

    /**
     * @param work the work queue, built in the given scope with the given dead-letter queue
     *             ({@link WorkQueues#work} plus what the concern adds)
     */
    protected QueueConcern(Construct scope, String id, String deadLettersId, String of, boolean fifo,
                           BiFunction<Construct, Queue, Queue> work) {
        super(scope, id);
        deadLetters = WorkQueues.deadLetters(this, deadLettersId, of, fifo);
        queue = work.apply(this, deadLetters);
    }

    /** The queue's URL, which the functions that send to it are given. */
    final String queueUrl() {
        return queue.getQueueUrl();
    }

    final Queue queue() {
        return queue;
    }

    final Queue deadLetters() {
        return deadLetters;
    }
}
