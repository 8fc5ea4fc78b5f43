package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * 1:1 latency and the capacity units of a direct message. Messages go to Bob one at a time (the
 * next only once Bob has the previous one), so each sample is the unloaded path: gateway, send
 * function, its writes, the stream, the fan-out function, the {@code @connections} post and Bob's
 * socket. Clock: {@code System.nanoTime()} in this process, before the frame is
 * handed to the sender's socket and when Bob's socket hands the frame over.
 */
public final class DirectLatencyBench {
    private static final String TEXT = "a short text message, as most chat messages are";
    private static final int SENDERS = 20;

    private DirectLatencyBench() {}

    public static void run(LiveStack stack, Report report, int warmup, int messages) throws Exception {
        Map<String, CompletableFuture<Long>> delivered = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<JsonNode>> replied = new ConcurrentHashMap<>();
        AtomicInteger unexpected = new AtomicInteger();
        AtomicInteger presenceFrames = new AtomicInteger();
        String bob = "lat-bob";
        BenchSocket bobSocket = stack.connect(bob, "phone", (socket, frame, at) -> {
            String type = frame.path("type").asText();
            if ("message".equals(type)) {
                delivered.computeIfAbsent(frame.path("clientMsgId").asText(), k -> new CompletableFuture<>()).complete(at);
            } else if ("presence".equals(type)) {
                presenceFrames.incrementAndGet();
            } else {
                unexpected.incrementAndGet();
            }
        });
        BenchSocket.FrameListener senderFrames = (socket, frame, at) -> {
            String type = frame.path("type").asText();
            String id = "sent".equals(type) ? frame.path("clientMsgId").asText() : frame.path("requestId").asText();
            if ("presence".equals(type)) {
                return; // the other senders coming online: they share bob as a peer
            }
            if (!"sent".equals(type) && !"pong".equals(type) && !"error".equals(type)) {
                unexpected.incrementAndGet();
                return;
            }
            ((ObjectNode) frame).put("receivedNanos", at);
            replied.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(frame);
        };
        // Several senders, so that none exceeds the per-user send rate (20 a second by default).
        List<BenchSocket> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(stack.connect("lat-alice" + i, "phone", senderFrames));
        }
        long started = System.nanoTime();
        try {
            List<Long> latencies = new ArrayList<>(messages);
            List<Long> replies = new ArrayList<>(messages);
            int rateLimited = 0;
            FunctionCpu.Sample cpuBefore = FunctionCpu.Sample.now();
            for (int i = 0; i < warmup + messages; i++) {
                if (i == warmup) {
                    LiveStack.settle(300);
                    stack.resetMeters();
                    cpuBefore = FunctionCpu.Sample.now();
                }
                String id = "lat-" + i;
                BenchSocket sender = senders.get(i % SENDERS);
                while (true) {
                    CompletableFuture<Long> push = delivered.computeIfAbsent(id, k -> new CompletableFuture<>());
                    CompletableFuture<JsonNode> reply = replied.computeIfAbsent(id, k -> new CompletableFuture<>());
                    long sentAt = System.nanoTime();
                    sender.send(BenchSocket.sendFrame(bob, id, TEXT));
                    JsonNode answer = reply.get(10, TimeUnit.SECONDS);
                    replied.remove(id);
                    if ("error".equals(answer.path("type").asText())) {
                        if (!"RATE_LIMITED".equals(answer.path("code").asText())) {
                            throw new IllegalStateException("send " + id + " refused: " + answer);
                        }
                        rateLimited++;
                        Thread.sleep(Math.max(1, answer.path("retryAfterMs").asLong(50)));
                        continue; // the same clientMsgId again; this sample is not counted
                    }
                    long pushedAt = push.get(10, TimeUnit.SECONDS);
                    if (i >= warmup) {
                        latencies.add(pushedAt - sentAt);
                        replies.add(answer.path("receivedNanos").asLong() - sentAt);
                    }
                    delivered.remove(id);
                    break;
                }
            }
            LiveStack.settle(300);
            long calls = stack.dynamoCalls().calls();
            double callMillis = stack.dynamoCalls().meanMillis();
            FunctionCpu.Spent cpu = cpuBefore.until(FunctionCpu.Sample.now());
            System.err.printf("bench: direct latency: %d messages in %.1f s%n", warmup + messages,
                    (System.nanoTime() - started) / 1e9);

            report.comment("direct: " + messages + " messages to bob one at a time (the next once bob has the previous), "
                    + "after " + warmup + " warm-up messages, from " + SENDERS + " senders in turn (each under the "
                    + "per-user send rate); send -> bob's socket, and send -> the sender's sent reply");
            Stats latency = Stats.ofNanosAsMillis(latencies);
            Stats reply = Stats.ofNanosAsMillis(replies);
            report.add("direct_latency_p50_ms", latency.percentile(50), "ms", Target.below(10, "ms"));
            report.add("direct_latency_p99_ms", latency.percentile(99), "ms", Target.below(50, "ms"));
            report.add("direct_latency_p90_ms", latency.percentile(90), "ms");
            report.add("direct_latency_max_ms", latency.max(), "ms");
            report.add("direct_sent_reply_p50_ms", reply.percentile(50), "ms");
            report.add("direct_sent_reply_p99_ms", reply.percentile(99), "ms");
            report.add("direct_unexpected_frames", unexpected.get(), "frames", Target.exactly(0));
            report.add("direct_rate_limited", rateLimited, "replies");
            report.add("direct_dynamodb_calls_per_msg", calls / (double) messages, "calls");
            report.add("direct_dynamodb_call_ms", callMillis, "ms");
            report.add("direct_latency_p50_round_trips", latency.percentile(50) / callMillis, "round trips",
                    Target.atMost(4, "round trips"));
            report.comment("the functions' own CPU per direct message: thread CPU time of the send and fan-out "
                    + "invocations (JSON, SDK signing and HTTP client included) plus the fan-out's posting threads; "
                    + "DynamoDB Local, the gateway and the stream poller excluded");
            report.add("cpu_ms_per_msg_functions", cpu.totalNanos() / 1e6 / messages, "ms", Target.below(1.2, "ms"));
            report.add("cpu_ms_per_msg_functions_invocations", cpu.invocationNanos() / 1e6 / messages, "ms");
            report.add("cpu_ms_per_msg_functions_posting_threads", cpu.postingNanos() / 1e6 / messages, "ms");
            report.add("functions_invocations_per_msg", cpu.invocations() / (double) messages, "invocations");

            report.comment("capacity units of a direct message (not the conversation's first), from "
                    + "ReturnConsumedCapacity on DynamoDB Local (AWS formula), over the " + messages + " messages");
            Capacity.report(report, "direct", stack, messages, Target.atMost(3, "WRU"));
            SendPath.report(report, "direct", stack, messages);

            long httpStarted = System.nanoTime();
            HttpSendBench.run(stack, report, bob, delivered, Math.max(100, messages / 4));
            System.err.printf("bench: direct latency over HTTP in %.1f s%n", (System.nanoTime() - httpStarted) / 1e9);

            long sessionsStarted = System.nanoTime();
            sessionUnits(stack, report, senders.get(0), replied, presenceFrames);
            System.err.printf("bench: heartbeats and sessions in %.1f s%n", (System.nanoTime() - sessionsStarted) / 1e9);
        } finally {
            List<BenchSocket> all = new ArrayList<>(senders);
            all.add(bobSocket);
            LiveStack.closeAll(all);
        }
    }

    /**
     * What keeping a user connected costs, for the cost model's all-in figures: the units of a
     * heartbeat, and of a whole session of a user with one peer online (connect, presence online
     * pushed to the peer, disconnect, the offline check after the grace period, presence offline).
     */
    private static void sessionUnits(LiveStack stack, Report report, BenchSocket alice,
                                     Map<String, CompletableFuture<JsonNode>> replied, AtomicInteger presenceFrames)
            throws Exception {
        int heartbeats = 20;
        stack.resetMeters();
        for (int i = 0; i < heartbeats; i++) {
            String id = "hb-" + i;
            CompletableFuture<JsonNode> pong = replied.computeIfAbsent(id, k -> new CompletableFuture<>());
            alice.send("{\"action\":\"heartbeat\",\"requestId\":\"" + id + "\"}");
            pong.get(10, TimeUnit.SECONDS);
        }
        LiveStack.settle(200);
        report.add("heartbeat_wru", stack.writeUnits() / heartbeats,
                "WRU");
        report.add("heartbeat_rru", stack.readUnits() / heartbeats, "RRU");

        // carol gets a direct conversation with bob, so bob is told of her presence changes.
        BenchSocket carol = stack.connect("lat-carol", "phone", (socket, frame, at) -> {});
        carol.send(BenchSocket.sendFrame("lat-bob", "carol-hello", TEXT));
        LiveStack.closeAll(List.of(carol));
        int sessions = 2;
        stack.resetMeters();
        presenceFrames.set(0);
        for (int i = 0; i < sessions; i++) {
            BenchSocket session = stack.connect("lat-carol", "tablet", (socket, frame, at) -> {});
            LiveStack.settle(200);
            LiveStack.closeAll(List.of(session));
        }
        report.comment("a session: connect, presence online pushed to the one peer online, disconnect, the offline "
                + "check after the grace period (lowered to " + LiveStack.PRESENCE_GRACE_SECONDS
                + " s for the benchmark), presence offline pushed; " + sessions + " sessions");
        report.add("session_wru", stack.writeUnits() / sessions,
                "WRU");
        report.add("session_rru", stack.readUnits() / sessions, "RRU");
        report.add("session_presence_pushes_per_peer", presenceFrames.get() / (double) sessions, "frames");
    }
}
