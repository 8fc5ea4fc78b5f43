package dev.parley.functions.service;

/**
 * Carries fan-out chunks from the stream function to the chunk function: an SQS FIFO queue, so
 * that the chunks of one message group are consumed one at a time, in the order sent.
 */
@FunctionalInterface
public interface FanoutQueue {
    /**
     * Sends one chunk.
     *
     * @param groupId         the FIFO message group: chunks of one group are consumed in order
     * @param deduplicationId equal for a chunk sent again (a retried stream batch): SQS keeps one
     *                        within its five-minute deduplication interval
     */
    void send(String groupId, String deduplicationId, String body);
}
