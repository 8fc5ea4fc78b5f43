package dev.parley.local.s3;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.parley.dynamodb.local.DynamoDbLocal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3's event notifications, for the local runtime: a successful PutObject, CopyObject or
 * CompleteMultipartUpload of a key under the configured prefix becomes one {@code ObjectCreated:*}
 * record (event version 2.1, the key URL-encoded as S3 writes it), delivered to the function on
 * another thread, after the response: an asynchronous invocation, as S3 makes. A delivery that
 * throws is retried twice, as Lambda retries an asynchronous invocation (locally after 1 s and
 * 2 s, not Lambda's minute or two), then dropped with a log line.
 */
final class ObjectCreatedNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectCreatedNotifier.class);
    static final int ATTEMPTS = 3;

    private final String bucket;
    private final String prefix;
    private final Consumer<S3Event> function;
    private final ScheduledExecutorService deliveries;
    private final AtomicLong sequencer = new AtomicLong();

    ObjectCreatedNotifier(String bucket, String prefix, Consumer<S3Event> function) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.function = function;
        this.deliveries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-s3-events");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A request S3 answered 200: an event when it created an object under the prefix. */
    void responded(String method, HttpURI uri, HttpFields request, HttpFields response) {
        String path = uri.getPath();
        String bucketPrefix = "/" + bucket + "/";
        if (path == null || !path.startsWith(bucketPrefix)) {
            return;
        }
        String key = URLDecoder.decode(path.substring(bucketPrefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String eventName;
        Long size = null;
        if (method.equals("PUT") && request.get("x-amz-copy-source") != null) {
            eventName = "ObjectCreated:Copy";
        } else if (method.equals("PUT") && !query.contains("uploadId=")) {
            eventName = "ObjectCreated:Put";
            long length = request.getLongField("content-length");
            size = length < 0 ? null : length;
        } else if (method.equals("POST") && query.contains("uploadId=")) {
            eventName = "ObjectCreated:CompleteMultipartUpload";
        } else {
            return; // reads, deletes, parts of a multipart upload: no object-created event
        }
        if (!key.startsWith(prefix)) {
            return;
        }
        String eTag = response.get("ETag") == null ? null : response.get("ETag").replace("\"", "");
        S3Event event = new S3Event(List.of(record(eventName, key, size, eTag)));
        deliver(event, 1);
    }

    private S3EventNotification.S3EventNotificationRecord record(String eventName, String key, Long size, String eTag) {
        var owner = new S3EventNotification.UserIdentityEntity("local");
        var object = new S3EventNotification.S3ObjectEntity(URLEncoder.encode(key, StandardCharsets.UTF_8), size, eTag,
                null, Long.toHexString(sequencer.incrementAndGet()));
        var s3 = new S3EventNotification.S3Entity("parley-object-created",
                new S3EventNotification.S3BucketEntity(bucket, owner, "arn:aws:s3:::" + bucket), object, "1.0");
        return new S3EventNotification.S3EventNotificationRecord(DynamoDbLocal.REGION.id(), eventName, "aws:s3",
                Instant.now().toString(), "2.1", new S3EventNotification.RequestParametersEntity("127.0.0.1"),
                new S3EventNotification.ResponseElementsEntity("local", "local"), s3, owner);
    }

    private void deliver(S3Event event, int attempt) {
        long delaySeconds = attempt == 1 ? 0 : 1L << (attempt - 2);
        try {
            deliveries.schedule(() -> {
                try {
                    function.accept(event);
                } catch (RuntimeException failed) {
                    if (attempt < ATTEMPTS) {
                        LOG.warn("object-created function failed (attempt {} of {}); retrying: {}", attempt, ATTEMPTS, failed.toString());
                        deliver(event, attempt + 1);
                    } else {
                        LOG.error("object-created function failed {} times; event dropped", ATTEMPTS, failed);
                    }
                }
            }, delaySeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the runtime is stopping
        }
    }

    @Override
    public void close() {
        deliveries.shutdownNow();
    }
}
