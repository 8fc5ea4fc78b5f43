package dev.parley.bench.live;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.bench.support.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 1:1 latency and the capacity units of a direct message. Alice sends to Bob one message at a
 * time (the next only once Bob has the previous one), so each sample is the unloaded path:
 * gateway, send function, three writes, the stream, the fan-out function, the {@code @connections}
 * post and Bob's socket. Clock: {@code System.nanoTime()} in this process, before the frame is
 * handed to Alice's socket and when Bob's socket hands the frame over.
 */
public final class DirectLatencyBench {
    private static final String TEXT = "a short text message, as most chat messages are";

    private DirectLatencyBench() {}

    public static void run(LiveStack stack, Report report, int warmup, int messages) throws Exception {
        Map<String, CompletableFuture<Long>> delivered = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<Long>> replied = new ConcurrentHashMap<>();
        AtomicInteger unexpected = new AtomicInteger();
        String alice = "lat-alice";
        String bob = "lat-bob";
        BenchSocket bobSocket = stack.connect(bob, "phone", (socket, frame, at) -> {
            if ("message".equals(frame.path("type").asText())) {
                complete(delivered, frame.path("clientMsgId").asText(), at);
            } else {
                unexpected.incrementAndGet();
            }
        });
        BenchSocket aliceSocket = stack.connect(alice, "phone", (socket, frame, at) -> {
            String type = frame.path("type").asText();
            if ("sent".equals(type)) {
                complete(replied, frame.path("clientMsgId").asText(), at);
            } else if ("pong".equals(type)) {
                complete(replied, frame.path("requestId").asText(), at);
            } else {
                unexpected.incrementAndGet();
                System.err.println("latency: alice got " + frame);
            }
        });
        try {
            List<Long> latencies = new ArrayList<>(messages);
            List<Long> replies = new ArrayList<>(messages);
            for (int i = 0; i < warmup + messages; i++) {
                if (i == warmup) {
                    LiveStack.settle(300);
                    stack.meter().reset();
                }
                String id = "lat-" + i;
                CompletableFuture<Long> push = delivered.computeIfAbsent(id, k -> new CompletableFuture<>());
                CompletableFuture<Long> reply = replied.computeIfAbsent(id, k -> new CompletableFuture<>());
                long sentAt = System.nanoTime();
                aliceSocket.send(BenchSocket.sendFrame(bob, id, TEXT));
                long pushedAt = push.get(10, TimeUnit.SECONDS);
                long repliedAt = reply.get(10, TimeUnit.SECONDS);
                if (i >= warmup) {
                    latencies.add(pushedAt - sentAt);
                    replies.add(repliedAt - sentAt);
                }
                delivered.remove(id);
                replied.remove(id);
            }
            LiveStack.settle(300);

            report.comment("direct: " + messages + " messages alice -> bob one at a time after " + warmup
                    + " warm-up messages; send -> bob's socket, and send -> alice's sent reply");
            Stats latency = Stats.ofNanosAsMillis(latencies);
            Stats reply = Stats.ofNanosAsMillis(replies);
            report.add("direct_latency_p50_ms", latency.percentile(50), "ms", Target.below(10, "ms"));
            report.add("direct_latency_p99_ms", latency.percentile(99), "ms", Target.below(50, "ms"));
            report.add("direct_latency_p90_ms", latency.percentile(90), "ms");
            report.add("direct_latency_max_ms", latency.max(), "ms");
            report.add("direct_sent_reply_p50_ms", reply.percentile(50), "ms");
            report.add("direct_sent_reply_p99_ms", reply.percentile(99), "ms");
            report.add("direct_unexpected_frames", unexpected.get(), "frames", Target.exactly(0));

            report.comment("capacity units of a direct message (not the conversation's first), from "
                    + "ReturnConsumedCapacity on DynamoDB Local (AWS formula), over the " + messages + " messages");
            Capacity.report(report, "direct", stack.meter(), messages, Target.atMost(3, "WRU"));

            sessionUnits(stack, report, aliceSocket, replied);
        } finally {
            aliceSocket.close();
            bobSocket.close();
        }
    }

    /** The write units of a heartbeat, and of a connect + disconnect, for the cost model's all-in figures. */
    private static void sessionUnits(LiveStack stack, Report report, BenchSocket alice,
                                     Map<String, CompletableFuture<Long>> replied) throws Exception {
        int heartbeats = 20;
        stack.meter().reset();
        for (int i = 0; i < heartbeats; i++) {
            String id = "hb-" + i;
            CompletableFuture<Long> pong = replied.computeIfAbsent(id, k -> new CompletableFuture<>());
            alice.send("{\"action\":\"heartbeat\",\"requestId\":\"" + id + "\"}");
            pong.get(10, TimeUnit.SECONDS);
        }
        LiveStack.settle(200);
        report.add("heartbeat_wru", (stack.meter().totalWriteUnits() + stack.meter().conditionalFailures()) / heartbeats,
                "WRU");
        int sessions = 5;
        stack.meter().reset();
        for (int i = 0; i < sessions; i++) {
            stack.connect("lat-carol", "tablet" + i, (socket, frame, at) -> {}).close();
        }
        LiveStack.settle(500);
        report.add("session_wru", (stack.meter().totalWriteUnits() + stack.meter().conditionalFailures()) / sessions,
                "WRU");
    }

    private static void complete(Map<String, CompletableFuture<Long>> futures, String id, long at) {
        futures.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(at);
    }
}
