package dev.parley.local.http;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.local.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQS emulator, one instance per queue (instances are chained with {@link #orElse}: a request
 * for another queue's URL goes to the next one): {@code SendMessage} as the AWS SDK's SqsClient sends it (AWS JSON
 * protocol 1.0, with the MD5 the SDK verifies), delivery after {@code DelaySeconds} to a function
 * as an SQS event with Lambda's semantics (reported batch item failures are redelivered after a
 * visibility timeout, up to a maximum receive count).
 */
public final class LocalQueue extends Handler.Abstract {
    public static final String PREFIX = "/sqs";
    private static final int MAX_RECEIVES = 3;
    private static final long VISIBILITY_TIMEOUT_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(LocalQueue.class);

    private final String queueName;
    private final String queueArn;
    private final Function<SQSEvent, SQSBatchResponse> consumer;
    private LocalQueue next;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "local-queue");
        thread.setDaemon(true);
        return thread;
    });

    public LocalQueue(String queueName, Function<SQSEvent, SQSBatchResponse> consumer) {
        this.queueName = queueName;
        this.queueArn = "arn:aws:sqs:us-east-1:000000000000:" + queueName;
        this.consumer = consumer;
    }

    /** Sends requests naming another queue's URL to {@code other}; returns this queue. */
    public LocalQueue orElse(LocalQueue other) {
        this.next = other;
        return this;
    }

    /** The queue URL to configure (the last queue of a chain also takes URLs no queue names). */
    public static String queueUrl(String base, String queueName) {
        return base + PREFIX + "/000000000000/" + queueName;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!(path.equals(PREFIX) || path.startsWith(PREFIX + "/")) || !HttpMethod.POST.is(request.getMethod())) {
            return false;
        }
        String target = request.getHeaders().get("X-Amz-Target");
        if (!"AmazonSQS.SendMessage".equals(target)) {
            response.getHeaders().put("x-amzn-query-error", "UnsupportedOperation;Sender");
            DevApi.json(response, callback, 400, "{\"__type\":\"com.amazonaws.sqs#UnsupportedOperation\","
                    + "\"message\":\"the local queue supports SendMessage only\"}");
            return true;
        }
        JsonNode send = Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
        return accept(send, response, callback);
    }

    private boolean accept(JsonNode send, Response response, Callback callback) throws Exception {
        String url = send.path("QueueUrl").asText("");
        if (next != null && !url.endsWith("/" + queueName)) {
            return next.accept(send, response, callback);
        }
        String body = send.path("MessageBody").asText();
        int delay = send.path("DelaySeconds").asInt(0);
        String messageId = UUID.randomUUID().toString();
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        try {
            timer.schedule(() -> deliver(messageId, body, md5, 1), delay, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // The runtime is shutting down: SQS's own answer when it cannot take a message now.
            DevApi.json(response, callback, 503, "{\"__type\":\"com.amazonaws.sqs#ServiceUnavailable\","
                    + "\"message\":\"the local queue is shutting down\"}");
            return true;
        }
        DevApi.json(response, callback, 200, Json.MAPPER.writeValueAsString(Map.of("MessageId", messageId,
                "MD5OfMessageBody", md5)));
        return true;
    }

    private void deliver(String messageId, String body, String md5, int receiveCount) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(messageId);
        message.setReceiptHandle(UUID.randomUUID().toString());
        message.setBody(body);
        message.setMd5OfBody(md5);
        message.setEventSource("aws:sqs");
        message.setEventSourceArn(queueArn);
        message.setAwsRegion("us-east-1");
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        boolean failed;
        try {
            SQSBatchResponse response = consumer.apply(event);
            failed = response != null && response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty();
        } catch (RuntimeException functionError) {
            failed = true;
        }
        if (failed && receiveCount < MAX_RECEIVES) {
            timer.schedule(() -> deliver(messageId, body, md5, receiveCount + 1), VISIBILITY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } else if (failed) {
            LOG.warn("queue {}: message {} dropped after {} receives", queueName, messageId, MAX_RECEIVES);
        }
    }

    public void close() {
        timer.shutdownNow();
        if (next != null) {
            next.close();
        }
    }
}
