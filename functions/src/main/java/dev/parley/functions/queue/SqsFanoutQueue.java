package dev.parley.functions.queue;

import dev.parley.functions.service.FanoutQueue;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link FanoutQueue} on an SQS FIFO queue; on the local runtime the same client talks to its queue emulator. */
public final class SqsFanoutQueue implements FanoutQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsFanoutQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(String groupId, String deduplicationId, String body) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl).messageGroupId(groupId)
                .messageDeduplicationId(deduplicationId).messageBody(body));
    }
}
