package dev.parley.functions.presence;

import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@link OfflineCheckScheduler} as an SQS message with a delivery delay: the presence-check
 * function receives the user id once the grace period is over. On the local runtime the same
 * client talks to the runtime's queue emulator.
 */
public final class SqsOfflineCheckScheduler implements OfflineCheckScheduler {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsOfflineCheckScheduler(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void schedule(String userId, Duration delay) {
        int seconds = (int) Math.min(900, Math.max(0, delay.toSeconds())); // SQS allows up to 15 minutes
        sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(userId).delaySeconds(seconds));
    }
}
