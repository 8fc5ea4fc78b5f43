package dev.parley.functions.notify;

import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link NotificationQueue} on SQS; on the local runtime the same client talks to its queue emulator. */
public final class SqsNotificationQueue implements NotificationQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsNotificationQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(String body) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(body));
    }
}
