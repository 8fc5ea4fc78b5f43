package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.bench.support.Stats;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The same 1:1 measurement with the message sent over HTTP ({@code POST /users/{userId}/messages},
 * protocol v2) and received over the recipient's WebSocket: latency to the recipient's socket and
 * to the HTTP reply, and the capacity units, for the HTTP send path's cost.
 */
final class HttpSendBench {
    private static final String TEXT = "a short text message, as most chat messages are";
    private static final int SENDERS = 20;

    private HttpSendBench() {}

    static void run(LiveStack stack, Report report, String recipient, Map<String, CompletableFuture<Long>> delivered,
                    int messages) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            tokens.add(stack.token("lat-http-alice" + i));
        }
        int warmup = Math.max(20, messages / 10);
        List<Long> latencies = new ArrayList<>(messages);
        List<Long> replies = new ArrayList<>(messages);
        int rateLimited = 0;
        for (int i = 0; i < warmup + messages; i++) {
            if (i == warmup) {
                LiveStack.settle(300);
                stack.resetMeters();
            }
            String id = "lat-http-" + i;
            String body = "{\"clientMsgId\":\"" + id + "\",\"body\":{\"text\":\"" + TEXT + "\"}}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(stack.runtime().httpUrl() + "/users/" + recipient
                            + "/messages"))
                    .header("Authorization", "Bearer " + tokens.get(i % SENDERS))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            while (true) {
                CompletableFuture<Long> push = delivered.computeIfAbsent(id, k -> new CompletableFuture<>());
                long sentAt = System.nanoTime();
                HttpResponse<String> response = stack.http().send(request, HttpResponse.BodyHandlers.ofString());
                long repliedAt = System.nanoTime();
                if (response.statusCode() == 429) {
                    rateLimited++;
                    JsonNode refusal = BenchSocket.JSON.readTree(response.body());
                    Thread.sleep(Math.max(1, refusal.path("retryAfterMs").asLong(50)));
                    continue;
                }
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP send " + id + " refused: " + response.statusCode() + " "
                            + response.body());
                }
                long pushedAt = push.get(10, TimeUnit.SECONDS);
                if (i >= warmup) {
                    latencies.add(pushedAt - sentAt);
                    replies.add(repliedAt - sentAt);
                }
                delivered.remove(id);
                break;
            }
        }
        LiveStack.settle(300);
        double callMillis = stack.dynamoCalls().meanMillis();
        report.comment("direct over HTTP: " + messages + " messages sent with POST /users/{userId}/messages from "
                + SENDERS + " senders in turn, one at a time, to the same recipient's WebSocket");
        Stats latency = Stats.ofNanosAsMillis(latencies);
        report.add("direct_http_latency_p50_ms", latency.percentile(50), "ms");
        report.add("direct_http_latency_p99_ms", latency.percentile(99), "ms");
        report.add("direct_http_reply_p50_ms", Stats.ofNanosAsMillis(replies).percentile(50), "ms");
        report.add("direct_http_latency_p50_round_trips", latency.percentile(50) / callMillis, "round trips",
                Target.atMost(4, "round trips"));
        report.add("direct_http_rate_limited", rateLimited, "replies");
        Capacity.report(report, "direct_http", stack, messages, Target.atMost(3, "WRU"));
        SendPath.report(report, "direct_http", stack, messages);
    }
}
