package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.bench.support.CpuProfile;
import dev.parley.bench.support.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Sustained throughput with a completeness check. {@code pairs} senders each talk to their own
 * recipient (one direct conversation per pair, so no hot counter). Each sender keeps at most
 * {@code window} messages in flight, a message leaving the window only when its recipient has it:
 * the load adapts to what the whole path (send and fan-out) sustains instead of piling a backlog
 * onto the stream. A refused send ({@code RATE_LIMITED}, {@code INTERNAL}) is retried with the
 * same clientMsgId, as clients do.
 *
 * <p>Counted over the measured window only (after a warm-up): messages accepted ({@code sent}
 * reply) and messages delivered (first push to the recipient). {@code throughput_msgs_per_s} is
 * the smaller of the two rates. After the window, sending stops and every accepted message must
 * arrive: {@code throughput_lost} counts the ones that never did, {@code throughput_duplicated}
 * the pushes of a seq already received.
 */
public final class ThroughputBench {
    private static final String TEXT = "throughput benchmark message";

    /** One message's life. */
    private static final class Sent {
        final int pair;
        final long sentAt;
        volatile long acceptedAt;
        volatile long deliveredAt;
        int deliveries;

        Sent(int pair, long sentAt) {
            this.pair = pair;
            this.sentAt = sentAt;
        }
    }

    private final LiveStack stack;
    private final int pairs;
    private final Semaphore[] windows;
    private final BenchSocket[] senders;
    private final long[] lastSeqSeen;
    private final Map<String, Sent> messages = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private volatile boolean sending = true;

    private ThroughputBench(LiveStack stack, int pairs, int window) {
        this.stack = stack;
        this.pairs = pairs;
        this.windows = new Semaphore[pairs];
        this.senders = new BenchSocket[pairs];
        this.lastSeqSeen = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            windows[i] = new Semaphore(window);
        }
    }

    public static void run(LiveStack stack, Report report, int pairs, int window, int warmupSeconds,
                           int windowSeconds) throws Exception {
        new ThroughputBench(stack, pairs, window).measure(report, warmupSeconds, windowSeconds, window);
    }

    private void measure(Report report, int warmupSeconds, int windowSeconds, int window) throws Exception {
        List<BenchSocket> sockets = new ArrayList<>();
        List<LiveStack.Device> recipients = new ArrayList<>();
        List<LiveStack.Device> senderDevices = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            recipients.add(new LiveStack.Device("tp-r" + i, "phone"));
            senderDevices.add(new LiveStack.Device("tp-s" + i, "phone"));
        }
        sockets.addAll(stack.connectAll(recipients, this::onRecipientFrame));
        List<BenchSocket> senderSockets = stack.connectAll(senderDevices, this::onSenderFrame);
        sockets.addAll(senderSockets);
        for (int i = 0; i < pairs; i++) {
            senders[i] = senderSockets.get(i);
        }
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < pairs; i++) {
                int pair = i;
                Thread thread = new Thread(() -> sendLoop(pair), "bench-sender-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            Thread.sleep(warmupSeconds * 1000L);
            stack.resetMeters();
            CpuProfile before = CpuProfile.snapshot();
            long windowStart = System.nanoTime();
            Thread.sleep(windowSeconds * 1000L);
            long windowEnd = System.nanoTime();
            CpuProfile after = CpuProfile.snapshot();
            sending = false;
            long deliveredAtEnd = messages.values().stream().filter(m -> within(m.deliveredAt, windowStart, windowEnd))
                    .count();
            report.comment("capacity units per message under load (messages delivered in the window; a fan-out batch "
                    + "holds many records and looks each user's connections up once per batch)");
            Capacity.report(report, "throughput", stack, (int) Math.max(1, deliveredAtEnd), null);
            double callMillis = stack.dynamoCalls().meanMillis();
            for (Thread thread : threads) {
                thread.join(5_000);
            }
            long drainStart = System.nanoTime();
            long drainDeadline = drainStart + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < drainDeadline && undelivered() > 0) {
                Thread.sleep(20);
            }
            double drainMs = (System.nanoTime() - drainStart) / 1e6;
            LiveStack.settle(500);

            List<Sent> all = new ArrayList<>(messages.values());
            long acceptedInWindow = all.stream().filter(m -> within(m.acceptedAt, windowStart, windowEnd)).count();
            long deliveredInWindow = all.stream().filter(m -> within(m.deliveredAt, windowStart, windowEnd)).count();
            double seconds = (windowEnd - windowStart) / 1e9;
            long lost = all.stream().filter(m -> m.acceptedAt != 0 && m.deliveredAt == 0).count();
            long unanswered = all.stream().filter(m -> m.acceptedAt == 0).count();
            long accepted = all.stream().filter(m -> m.acceptedAt != 0).count();
            Stats latency = Stats.ofNanosAsMillis(all.stream()
                    .filter(m -> within(m.sentAt, windowStart, windowEnd) && m.deliveredAt != 0)
                    .map(m -> m.deliveredAt - m.sentAt).toList());

            report.comment("throughput: " + pairs + " sender->recipient pairs (own direct conversation each), at most "
                    + window + " undelivered messages per sender, " + warmupSeconds + " s warm-up, then a "
                    + windowSeconds + " s window; then sending stops and every accepted message must arrive ("
                    + accepted + " accepted in the whole run)");
            report.add("throughput_msgs_per_s", Math.min(acceptedInWindow, deliveredInWindow) / seconds, "msgs/s",
                    Target.atLeast(1000, "msgs/s"));
            report.add("throughput_accepted_msgs_per_s", acceptedInWindow / seconds, "msgs/s");
            report.add("throughput_delivered_msgs_per_s", deliveredInWindow / seconds, "msgs/s");
            report.add("throughput_lost", lost, "msgs", Target.exactly(0));
            report.add("throughput_duplicated", duplicated.get(), "msgs", Target.exactly(0));
            report.add("throughput_unanswered", unanswered, "msgs");
            report.add("throughput_out_of_order", outOfOrder.get(), "msgs");
            report.add("throughput_gaps", gaps.get(), "frames");
            report.add("throughput_unexpected_pushes", unknown.get(), "frames");
            report.add("throughput_rate_limited", rateLimited.get(), "replies");
            report.add("throughput_errors", errors.get(), "replies");
            report.add("throughput_latency_p50_ms", latency.percentile(50), "ms");
            report.add("throughput_latency_p99_ms", latency.percentile(99), "ms");
            report.add("throughput_drain_ms", drainMs, "ms");
            if (deliveredInWindow > 0) {
                report.add("throughput_dynamodb_call_ms", callMillis, "ms");
                Map<String, Long> cpu = after.since(before);
                report.add("throughput_cpu_ms_per_msg", cpu.get("total") / 1e6 / deliveredInWindow, "ms");
                long total = cpu.get("total");
                report.comment("throughput CPU split (this JVM runs the whole stack and the load): " + cpu.entrySet()
                        .stream().filter(e -> !e.getKey().equals("total") && e.getValue() * 100 / Math.max(1, total) >= 1)
                        .map(e -> e.getKey() + " " + e.getValue() * 100 / Math.max(1, total) + "%")
                        .collect(Collectors.joining(", ")) + "; total " + Report.format(total / 1e9 / seconds)
                        + " cores busy of " + Runtime.getRuntime().availableProcessors());
            }
        } finally {
            sending = false;
            retries.shutdownNow();
            LiveStack.closeAll(sockets);
            LiveStack.settle(500);
        }
    }

    private long undelivered() {
        return messages.values().stream().filter(m -> m.acceptedAt != 0 && m.deliveredAt == 0).count();
    }

    private static boolean within(long at, long start, long end) {
        return at != 0 && at >= start && at <= end;
    }

    private void sendLoop(int pair) {
        String to = "tp-r" + pair;
        long next = 0;
        try {
            while (sending) {
                if (!windows[pair].tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (!sending) {
                    return;
                }
                String id = "tp" + pair + "-" + next++;
                messages.put(id, new Sent(pair, System.nanoTime()));
                senders[pair].send(BenchSocket.sendFrame(to, id, TEXT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onSenderFrame(BenchSocket socket, JsonNode frame, long at) {
        String type = frame.path("type").asText();
        if ("sent".equals(type)) {
            Sent sent = messages.get(frame.path("clientMsgId").asText());
            if (sent != null && sent.acceptedAt == 0) {
                sent.acceptedAt = at;
            }
        } else if ("error".equals(type)) {
            String id = frame.path("requestId").asText();
            Sent sent = messages.get(id);
            long delay = 100;
            if ("RATE_LIMITED".equals(frame.path("code").asText())) {
                rateLimited.incrementAndGet();
                delay = Math.max(1, frame.path("retryAfterMs").asLong(100));
            } else {
                errors.incrementAndGet();
                System.err.println("throughput: " + socket.name() + " got " + frame);
            }
            if (sent != null) {
                // The same clientMsgId again: the idempotent retry every client does.
                retries.schedule(() -> senders[sent.pair].send(BenchSocket.sendFrame("tp-r" + sent.pair, id, TEXT)),
                        delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void onRecipientFrame(BenchSocket socket, JsonNode frame, long at) {
        String type = frame.path("type").asText();
        if ("gap".equals(type)) {
            gaps.incrementAndGet();
            return;
        }
        if (!"message".equals(type)) {
            return;
        }
        Sent sent = messages.get(frame.path("clientMsgId").asText());
        if (sent == null) {
            unknown.incrementAndGet();
            return;
        }
        long seq = frame.path("seq").asLong();
        boolean first;
        synchronized (sent) {
            first = sent.deliveries++ == 0;
        }
        if (!first) {
            duplicated.incrementAndGet();
            return;
        }
        sent.deliveredAt = at;
        synchronized (lastSeqSeen) {
            if (seq < lastSeqSeen[sent.pair]) {
                outOfOrder.incrementAndGet();
            }
            lastSeqSeen[sent.pair] = Math.max(lastSeqSeen[sent.pair], seq);
        }
        windows[sent.pair].release();
    }
}
