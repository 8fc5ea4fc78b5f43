package dev.parley.functions.presence;

import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@link PresenceQueue} on SQS: an offline check is a message whose body is the user id, with a
 * delivery delay (the reconnect grace period); a publish is {@code publish:<userId>} without
 * delay. On the local runtime the same client talks to the runtime's queue emulator.
 */
public final class SqsPresenceQueue implements PresenceQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsPresenceQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void checkOffline(String userId, Duration delay) {
        int seconds = (int) Math.min(900, Math.max(0, delay.toSeconds())); // SQS allows up to 15 minutes
        sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(userId).delaySeconds(seconds));
    }

    @Override
    public void publish(String userId) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(PresenceQueue.publishBody(userId)));
    }
}
