package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.model.domain.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What fan-out did: per delivery, the posts delivered, gone, throttled and failed (counted from
 * concurrent posting threads), written as one log line per entry (follow a message from send to
 * every push by its conversationId and seq) and one metrics line per batch.
 */
final class FanoutReport {
    private static final class Tally {
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger gone = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();
    }

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    FanoutReport(List<Delivery> deliveries) {
        deliveries.forEach(delivery -> tallies.put(delivery.id(), new Tally()));
    }

    void record(String deliveryId, Poster.Result result, int throttled) {
        Tally tally = tallies.get(deliveryId);
        tally.throttled.addAndGet(throttled);
        switch (result) {
            case DELIVERED -> tally.delivered.incrementAndGet();
            case GONE -> tally.gone.incrementAndGet();
            case FAILED -> tally.failed.incrementAndGet();
        }
    }

    /**
     * @param pushedAt when every post had been answered (the sync-store writes come after):
     *                 {@code latencyMs} and {@code FanoutLatencyMs} run from {@code sentAt} to it,
     *                 {@code appliedLatencyMs} to now
     */
    void emit(List<Delivery> deliveries, Set<String> failed, int notified, long pushedAt) {
        long now = System.currentTimeMillis();
        long posted = 0;
        long gone = 0;
        long throttled = 0;
        long maxLatency = 0;
        for (Delivery delivery : deliveries) {
            Tally tally = tallies.get(delivery.id());
            Long sentAt = delivery.entry() instanceof Message message ? message.sentAt() : null;
            Long latency = sentAt == null ? null : pushedAt - sentAt;
            Telemetry.event("fanout")
                    .field("conversationId", delivery.entry().conversationId())
                    .field("seq", delivery.entry().seq())
                    .field("entry", delivery.entry() instanceof Message ? "message" : "gap")
                    .field("pushed", tally.delivered.get())
                    .field("gone", tally.gone.get())
                    .field("throttled", tally.throttled.get())
                    .field("failedPosts", tally.failed.get())
                    .field("outcome", failed.contains(delivery.id()) ? "retry" : "ok")
                    .field("latencyMs", latency)
                    .field("appliedLatencyMs", sentAt == null ? null : now - sentAt)
                    .emit(failed.contains(delivery.id()) ? Telemetry.Level.WARN : Telemetry.Level.INFO);
            posted += tally.delivered.get();
            gone += tally.gone.get();
            throttled += tally.throttled.get();
            maxLatency = Math.max(maxLatency, latency == null ? 0 : latency);
        }
        Telemetry.event("fanout-batch")
                .field("records", deliveries.size())
                .metric("PushesPosted", posted, "Count")
                .metric("PushesGone", gone, "Count")
                .metric("PushesThrottled", throttled, "Count")
                .metric("RecordsFailed", failed.size(), "Count")
                .metric("NotificationsSent", notified, "Count")
                .metric("FanoutLatencyMs", maxLatency, "Milliseconds")
                .emit(Telemetry.Level.INFO);
    }
}
