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
 *
 * <p>A queue whose name ends in {@code .fifo} is a FIFO queue as SQS and Lambda run one:
 * {@code MessageGroupId} required; a {@code MessageDeduplicationId} seen in the last five minutes
 * is accepted and not delivered again; the messages of one group are delivered one at a time, in
 * the order sent, a failed one redelivered (after the visibility timeout) before any later one of
 * its group; groups are delivered concurrently, up to a fixed number at once (Lambda scales a FIFO
 * source with its active message groups).
 */
public final class LocalQueue extends Handler.Abstract {
    public static final String PREFIX = "/sqs";
    private static final int MAX_RECEIVES = 3;
    private static final long VISIBILITY_TIMEOUT_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(LocalQueue.class);

    /** SQS: a FIFO queue drops a deduplication id seen within this interval. */
    static final long DEDUPLICATION_MILLIS = 5 * 60 * 1000;

    private final String queueName;
    private final boolean fifo;
    /** FIFO: the messages waiting per group, the head being delivered; deduplication ids and when they were seen. */
    private final Map<String, java.util.ArrayDeque<Pending>> groups = new java.util.HashMap<>();
    private final Map<String, Long> deduplication = new java.util.HashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger redeliveries = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger deduplicated = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService workers;

    private record Pending(String messageId, String body, String md5, String groupId, String deduplicationId, long sequence) {}

    private long sequence;
    private final String queueArn;
    private final Function<SQSEvent, SQSBatchResponse> consumer;
    private LocalQueue next;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "local-queue");
        thread.setDaemon(true);
        return thread;
    });

    public LocalQueue(String queueName, Function<SQSEvent, SQSBatchResponse> consumer) {
        this(queueName, consumer, 1);
    }

    /** @param concurrency FIFO: message groups delivered at once */
    public LocalQueue(String queueName, Function<SQSEvent, SQSBatchResponse> consumer, int concurrency) {
        this.queueName = queueName;
        this.fifo = queueName.endsWith(".fifo");
        this.workers = fifo ? Executors.newScheduledThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "local-queue-" + queueName);
            thread.setDaemon(true);
            return thread;
        }) : null;
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
        if (fifo) {
            return acceptFifo(send, body, response, callback);
        }
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
        boolean failed = invoke(message(messageId, body, md5, receiveCount));
        if (failed && receiveCount < MAX_RECEIVES) {
            timer.schedule(() -> deliver(messageId, body, md5, receiveCount + 1), VISIBILITY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } else if (failed) {
            LOG.warn("queue {}: message {} dropped after {} receives", queueName, messageId, MAX_RECEIVES);
        }
    }

    private SQSEvent.SQSMessage message(String messageId, String body, String md5, int receiveCount) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(messageId);
        message.setReceiptHandle(UUID.randomUUID().toString());
        message.setBody(body);
        message.setMd5OfBody(md5);
        message.setEventSource("aws:sqs");
        message.setEventSourceArn(queueArn);
        message.setAwsRegion("us-east-1");
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        return message;
    }

    /** Runs the function on one message; true when it failed (reported or thrown). */
    private boolean invoke(SQSEvent.SQSMessage message) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        boolean failed;
        try {
            SQSBatchResponse response = consumer.apply(event);
            failed = response != null && response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty();
        } catch (RuntimeException functionError) {
            failed = true;
        }
        return failed;
    }

    private boolean acceptFifo(JsonNode send, String body, Response response, Callback callback) throws Exception {
        String groupId = send.path("MessageGroupId").asText("");
        String deduplicationId = send.path("MessageDeduplicationId").asText("");
        if (groupId.isEmpty() || deduplicationId.isEmpty()) {
            // This queue has no content-based deduplication, as the CDK app deploys it.
            response.getHeaders().put("x-amzn-query-error", "MissingParameter;Sender");
            DevApi.json(response, callback, 400, "{\"__type\":\"com.amazonaws.sqs#MissingParameter\","
                    + "\"message\":\"a FIFO queue needs MessageGroupId and MessageDeduplicationId\"}");
            return true;
        }
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        String messageId = UUID.randomUUID().toString();
        long seq;
        boolean start = false;
        synchronized (groups) {
            long now = System.currentTimeMillis();
            deduplication.values().removeIf(seen -> seen < now - DEDUPLICATION_MILLIS);
            seq = ++sequence;
            if (deduplication.putIfAbsent(deduplicationId, now) != null) {
                deduplicated.incrementAndGet();
            } else {
                java.util.ArrayDeque<Pending> waiting = groups.computeIfAbsent(groupId, g -> new java.util.ArrayDeque<>());
                waiting.add(new Pending(messageId, body, md5, groupId, deduplicationId, seq));
                accepted.incrementAndGet();
                start = waiting.size() == 1;
            }
        }
        if (start) {
            workers.execute(() -> deliverHead(groupId, 1));
        }
        DevApi.json(response, callback, 200, Json.MAPPER.writeValueAsString(Map.of("MessageId", messageId,
                "MD5OfMessageBody", md5, "SequenceNumber", String.format("%020d", seq))));
        return true;
    }

    /** Delivers the head of a FIFO group; the group's next message waits until it succeeded or was given up. */
    private void deliverHead(String groupId, int receiveCount) {
        Pending head;
        synchronized (groups) {
            head = groups.get(groupId).peek();
        }
        SQSEvent.SQSMessage message = message(head.messageId(), head.body(), head.md5(), receiveCount);
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount),
                "MessageGroupId", groupId, "MessageDeduplicationId", head.deduplicationId(),
                "SequenceNumber", String.format("%020d", head.sequence())));
        boolean failed = invoke(message);
        if (failed && receiveCount < MAX_RECEIVES) {
            redeliveries.incrementAndGet();
            workers.schedule(() -> deliverHead(groupId, receiveCount + 1), VISIBILITY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return;
        }
        if (failed) {
            LOG.warn("queue {}: message {} of group {} dropped after {} receives", queueName, head.messageId(), groupId,
                    MAX_RECEIVES);
        }
        boolean more;
        synchronized (groups) {
            java.util.ArrayDeque<Pending> waiting = groups.get(groupId);
            waiting.poll();
            more = !waiting.isEmpty();
            if (!more) {
                groups.remove(groupId);
            }
        }
        if (more) {
            workers.execute(() -> deliverHead(groupId, 1));
        }
    }

    /** Messages accepted for delivery (FIFO queues, duplicates excepted), since the start. */
    public int accepted() {
        return accepted.get() + (next == null ? 0 : next.accepted());
    }

    /** Messages delivered again after a failure (FIFO queues), since the start. */
    public int redeliveries() {
        return redeliveries.get() + (next == null ? 0 : next.redeliveries());
    }

    /** Messages accepted but not delivered because their deduplication id was seen (FIFO queues), since the start. */
    public int deduplicated() {
        return deduplicated.get() + (next == null ? 0 : next.deduplicated());
    }

    /** Whether every FIFO message was delivered (or given up): nothing waiting in any group. */
    public boolean idle() {
        synchronized (groups) {
            if (!groups.isEmpty()) {
                return false;
            }
        }
        return next == null || next.idle();
    }

    /**
     * Stops delivering: messages not yet due are dropped (as a stopped emulator loses them), an
     * invocation under way may finish for a few seconds (a sign-out's presence check at Ctrl-C
     * must not be interrupted in the middle of its DynamoDB calls), then what is left is interrupted.
     */
    public void close() {
        finish(timer);
        if (workers != null) {
            finish(workers);
        }
        if (next != null) {
            next.close();
        }
    }

    private static void finish(ScheduledExecutorService executor) {
        if (executor instanceof java.util.concurrent.ScheduledThreadPoolExecutor scheduled) {
            scheduled.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            scheduled.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
