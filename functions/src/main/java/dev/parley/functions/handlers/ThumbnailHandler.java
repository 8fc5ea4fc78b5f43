package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import dev.parley.functions.attachments.Thumbnails;
import dev.parley.functions.wiring.Wiring;

/**
 * The attachments bucket's object-created notifications (uploads only): marks each attachment
 * uploaded and makes an image's thumbnail. A failure throws, and Lambda retries the asynchronous
 * invocation; a thumbnail written twice is the same thumbnail.
 */
public final class ThumbnailHandler implements RequestHandler<S3Event, Void> {
    private final Thumbnails thumbnails;

    public ThumbnailHandler() {
        this(Wiring.fromEnvironment());
    }

    public ThumbnailHandler(Wiring wiring) {
        this(wiring.thumbnails());
    }

    public ThumbnailHandler(Thumbnails thumbnails) {
        this.thumbnails = thumbnails;
    }

    @Override
    public Void handleRequest(S3Event event, Context context) {
        if (event == null || event.getRecords() == null) {
            return null;
        }
        for (S3EventNotificationRecord record : event.getRecords()) {
            if (record.getEventName() != null && record.getEventName().startsWith("ObjectCreated:")) {
                var object = record.getS3().getObject();
                // Keys arrive URL-encoded in S3 events (a space is '+').
                thumbnails.objectCreated(object.getUrlDecodedKey(), object.getSizeAsLong() == null ? 0 : object.getSizeAsLong());
            }
        }
        return null;
    }
}
