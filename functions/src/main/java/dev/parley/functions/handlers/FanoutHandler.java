package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.FanoutService;
import dev.parley.functions.store.TimelineStream;
import dev.parley.functions.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Consumes the messages table's stream and pushes every new timeline entry to the members'
 * connections. Reports partial batch failures: Lambda retries from the first failed record, so
 * the records before it are not delivered again and the ones after it are (at least once).
 * A record that cannot even be read is reported failed rather than dropped, so it ends in the
 * on-failure destination after the bounded retries instead of vanishing.
 */
public final class FanoutHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final FanoutService fanout;
    private final TimelineStream stream;

    public FanoutHandler() {
        this(Wiring.fromEnvironment());
    }

    public FanoutHandler(Wiring wiring) {
        this(wiring.fanoutService(), wiring.timelineStream());
    }

    public FanoutHandler(FanoutService fanout, TimelineStream stream) {
        this.fanout = fanout;
        this.stream = stream;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<FanoutService.Delivery> deliveries = new ArrayList<>();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            String id = record.getDynamodb().getSequenceNumber();
            var image = record.getDynamodb().getNewImage();
            if (image == null || image.isEmpty()) {
                continue; // a removal: nothing to push
            }
            if ("MODIFY".equals(record.getEventName())) {
                continue; // a message's state changed (v2 edit, delete, reaction): its event entry was inserted and is pushed
            }
            try {
                TimelineStream.NewEntry entry = stream.read(image);
                deliveries.add(new FanoutService.Delivery(id, entry.entry(), entry.originConnectionId()));
            } catch (RuntimeException unreadable) {
                Telemetry.event("fanout").field("sequenceNumber", id).field("outcome", "unreadable")
                        .failure(unreadable).emit(Telemetry.Level.ERROR);
                failures.add(new StreamsEventResponse.BatchItemFailure(id));
            }
        }
        Set<String> failed = fanout.deliver(deliveries);
        failed.forEach(id -> failures.add(new StreamsEventResponse.BatchItemFailure(id)));
        return new StreamsEventResponse(failures);
    }
}
