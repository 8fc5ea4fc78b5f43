package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.FanoutChunk;
import dev.parley.functions.service.FanoutService;
import dev.parley.functions.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Consumes the fan-out queue (SQS FIFO): each message is one chunk of a large conversation's
 * fan-out, served to its recipients. A chunk not served to every recipient is reported failed and
 * redelivered alone after the visibility timeout; applying its entries again is a no-op and its
 * pushes arrive at least once (clients drop duplicates by seq, docs/protocol.md). As Lambda asks
 * of a FIFO consumer, the first failure stops the batch: it and every message after it are
 * reported, so no later chunk of its message group overtakes it.
 */
public final class FanoutChunkHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final FanoutService fanout;

    public FanoutChunkHandler() {
        this(Wiring.fromEnvironment());
    }

    public FanoutChunkHandler(Wiring wiring) {
        this(wiring.fanoutService());
    }

    public FanoutChunkHandler(FanoutService fanout) {
        this.fanout = fanout;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if (!failures.isEmpty()) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                continue;
            }
            FanoutChunk chunk;
            try {
                chunk = FanoutChunk.decode(message.getBody());
            } catch (IllegalArgumentException unreadable) {
                // Nothing sent it but the stream function; a body it cannot read is dropped, not retried for ever.
                Telemetry.event("fanout-chunk").field("messageId", message.getMessageId()).failure(unreadable)
                        .emit(Telemetry.Level.ERROR);
                continue;
            }
            Set<String> failed;
            try {
                failed = fanout.deliverChunk(chunk);
            } catch (RuntimeException crashed) {
                Telemetry.event("fanout-chunk").field("messageId", message.getMessageId())
                        .field("conversationId", chunk.conversationId()).failure(crashed).emit(Telemetry.Level.ERROR);
                failed = Set.of(message.getMessageId());
            }
            if (!failed.isEmpty()) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
