package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.presence.PresenceQueue;
import dev.parley.functions.service.PresenceService;
import dev.parley.functions.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes the presence queue ({@link PresenceQueue}): a bare user id is an offline check (their
 * last connection closed a grace period ago, or was signed out of: publishes "offline" if they
 * have not come back); {@code publish:<userId>} publishes the presence {@code $connect} recorded.
 * Failed messages are reported so SQS redelivers only them.
 */
public final class PresenceCheckHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final PresenceService presence;

    public PresenceCheckHandler() {
        this(Wiring.fromEnvironment());
    }

    public PresenceCheckHandler(Wiring wiring) {
        this(wiring.presenceService());
    }

    public PresenceCheckHandler(PresenceService presence) {
        this.presence = presence;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                String body = message.getBody();
                if (body.startsWith(PresenceQueue.PUBLISH_PREFIX)) {
                    presence.publishRecorded(body.substring(PresenceQueue.PUBLISH_PREFIX.length()));
                } else {
                    presence.checkOffline(body);
                }
            } catch (RuntimeException failed) {
                Telemetry.event("presence-check").field("messageId", message.getMessageId()).field("userId", message.getBody())
                        .failure(failed).emit(Telemetry.Level.ERROR);
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
