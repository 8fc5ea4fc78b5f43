package dev.parley.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.junit.jupiter.api.Test;

/**
 * S3's object-created notifications as the local front makes them: an asynchronous invocation per
 * created object under the prefix, retried twice when the function fails, as Lambda retries an
 * asynchronous invocation (there after one and two minutes, here after one and two seconds).
 */
class ObjectCreatedNotifierTest {
    private static final String BUCKET = "attachments";

    private record Call(String key, String eventName) {}

    private static Call call(S3Event event) {
        var record = event.getRecords().get(0);
        return new Call(record.getS3().getObject().getKey(), record.getEventName());
    }

    private static void put(ObjectCreatedNotifier notifier, String key) {
        notifier.responded("PUT", HttpURI.from("/" + BUCKET + "/" + key),
                HttpFields.build().put("content-length", "5"), HttpFields.build().put("ETag", "\"abc\""));
    }

    @Test
    void aFunctionThatFailsTwiceIsInvokedAThirdTimeWithTheSameEvent() {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (ObjectCreatedNotifier notifier = new ObjectCreatedNotifier(BUCKET, "uploads/", event -> {
            calls.add(call(event));
            if (calls.size() < ObjectCreatedNotifier.ATTEMPTS) {
                throw new IllegalStateException("injected failure " + calls.size());
            }
        })) {
            put(notifier, "uploads/a%20b%2Bc");
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.size() == ObjectCreatedNotifier.ATTEMPTS);
            assertThat(calls).containsOnly(new Call("uploads%2Fa+b%2Bc", "ObjectCreated:Put"));
        }
    }

    @Test
    void onlyObjectsCreatedUnderThePrefixNotify() {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (ObjectCreatedNotifier notifier = new ObjectCreatedNotifier(BUCKET, "uploads/", event -> calls.add(call(event)))) {
            put(notifier, "thumbnails/x");
            notifier.responded("GET", HttpURI.from("/" + BUCKET + "/uploads/read"), HttpFields.build(), HttpFields.build());
            notifier.responded("PUT", HttpURI.from("/" + BUCKET + "/uploads/part?partNumber=1&uploadId=u1"),
                    HttpFields.build(), HttpFields.build());
            put(notifier, "uploads/y");
            // Deliveries run one at a time in the order of the responses: once y's arrived, any earlier one had.
            await().until(() -> !calls.isEmpty());
            assertThat(calls).containsExactly(new Call("uploads%2Fy", "ObjectCreated:Put"));
        }
    }
}
