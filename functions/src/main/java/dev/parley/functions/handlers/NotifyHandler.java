package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.parley.functions.notify.OfflineNotice;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.NotificationService;
import dev.parley.functions.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes the notifications queue: fan-out's offline notices, a message per batch part. The
 * whole SQS batch is delivered together, so a user's devices and badge are read once however many
 * of its messages name them. Notifications are best effort: an unreadable message is logged and
 * dropped, never redelivered for ever.
 */
public final class NotifyHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final NotificationService notifications;

    public NotifyHandler() {
        this(Wiring.fromEnvironment());
    }

    public NotifyHandler(Wiring wiring) {
        this(wiring.notificationService());
    }

    public NotifyHandler(NotificationService notifications) {
        this.notifications = notifications;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<OfflineNotice> notices = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                notices.addAll(OfflineNotice.decode(message.getBody()));
            } catch (IllegalArgumentException unreadable) {
                Telemetry.event("notify").field("messageId", message.getMessageId()).failure(unreadable)
                        .emit(Telemetry.Level.ERROR);
            }
        }
        int sent = notifications.deliver(notices);
        Telemetry.event("notify-batch").field("records", event.getRecords().size())
                .metric("NotificationsSent", sent, "Count").emit(Telemetry.Level.INFO);
        return new SQSBatchResponse(List.of());
    }
}
