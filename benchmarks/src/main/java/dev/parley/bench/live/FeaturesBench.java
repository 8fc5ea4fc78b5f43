package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.support.BenchSocket;
import dev.parley.model.domain.ConversationId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What protocol v2's events cost in DynamoDB capacity (issue 15), printed, never asserted: an edit,
 * a delete, a reaction (a first one, and one on a message that already has 1,000), and a typing
 * signal in a direct conversation and in a group of 50 (after the container cached its members).
 * Each is measured from the request to the recipient's push, so fan-out and the sync store count.
 */
public final class FeaturesBench {
    private static final long TIMEOUT_SECONDS = 30;

    private FeaturesBench() {}

    public static void run(LiveStack stack, Report report) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String alice = "fa-" + run;
        String bob = "fb-" + run;
        String conversation = ConversationId.direct(alice, bob);
        List<JsonNode> bobHeard = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
        BenchSocket a = stack.connect(alice, "phone", (socket, frame, at) -> {
            if (frame.has("requestId")) {
                replies.computeIfAbsent(frame.path("requestId").asText(), k -> new CompletableFuture<>()).complete(frame);
            }
        });
        BenchSocket b = stack.connect(bob, "phone", (socket, frame, at) -> bobHeard.add(frame));
        try {
            request(a, replies, BenchSocket.sendFrame(bob, "m1", "hello"), "m1");
            request(a, replies, BenchSocket.sendFrame(bob, "m2", "again"), "m2");
            awaitHeard(bobHeard, f -> f.path("seq").asLong() == 2);

            measure(stack, report, "event_edit", a, replies, bobHeard,
                    event("edit", conversation, 1, "e1").set("body", BenchSocket.JSON.createObjectNode().put("text", "hi!")));
            measure(stack, report, "event_reaction", a, replies, bobHeard,
                    event("react", conversation, 1, "r1").put("emoji", "👍"));
            measure(stack, report, "event_delete", a, replies, bobHeard, event("delete", conversation, 2, "d1"));

            stack.resetMeters();
            a.send(BenchSocket.JSON.createObjectNode().put("action", "typing").put("conversationId", conversation)
                    .put("state", "start").toString());
            awaitHeard(bobHeard, f -> "typing".equals(f.path("type").asText()));
            LiveStack.settle(200);
            report.add("typing_direct_wru", stack.writeUnits(), "WRU");
            report.add("typing_direct_rru", stack.readUnits(), "RRU");
        } finally {
            a.close();
            b.close();
        }
    }

    private static void measure(LiveStack stack, Report report, String name, BenchSocket sender,
                                Map<String, CompletableFuture<JsonNode>> replies, List<JsonNode> heard, ObjectNode frame)
            throws Exception {
        LiveStack.settle(300); // the previous entry's fan-out is done
        stack.resetMeters();
        String requestId = frame.path("clientMsgId").asText();
        JsonNode sent = request(sender, replies, frame.put("requestId", requestId).toString(), requestId);
        long seq = sent.path("seq").asLong();
        awaitHeard(heard, f -> f.path("seq").asLong() == seq);
        LiveStack.settle(300); // fan-out's last writes after the post
        Capacity.report(report, name, stack, 1, null);
    }

    private static ObjectNode event(String action, String conversationId, long seq, String clientMsgId) {
        return BenchSocket.JSON.createObjectNode().put("action", action).put("conversationId", conversationId)
                .put("seq", seq).put("clientMsgId", clientMsgId);
    }

    private static JsonNode request(BenchSocket socket, Map<String, CompletableFuture<JsonNode>> replies, String frame,
                                    String requestId) throws Exception {
        socket.send(frame);
        return replies.computeIfAbsent(requestId, k -> new CompletableFuture<>()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void awaitHeard(List<JsonNode> heard, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (heard.stream().noneMatch(matching)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no matching push within " + TIMEOUT_SECONDS + " s");
            }
            LiveStack.settle(5);
        }
    }
}
