package dev.parley.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (java.net.http) that keeps every frame it receives, in order. */
public final class WsClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonNode> frames = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    private WsClient() {}

    public static WsClient connect(String websocketUrl, String token) {
        return connect(websocketUrl + "/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    public static WsClient connect(String uri) {
        return connect(uri, Map.of());
    }

    /** Connects with the given handshake headers (for example {@code Authorization}). */
    public static WsClient connect(String uri, Map<String, String> headers) {
        WsClient client = new WsClient();
        try {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder();
            headers.forEach(builder::header);
            client.socket = builder.buildAsync(URI.create(uri), client.listener()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not connect to " + uri, e);
        }
        return client;
    }

    /** The HTTP status of a refused handshake, or 101 when the WebSocket opened. */
    public static int handshakeStatus(String uri) {
        try {
            WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(uri), new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    try {
                        JsonNode frame = JSON.readTree(text);
                        synchronized (frames) {
                            frames.add(frame);
                            frames.notifyAll();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("server sent non-JSON: " + text, e);
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(1006);
            }
        };
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    /** Sends the frame with a fresh requestId and waits for the reply that echoes it. */
    public JsonNode request(ObjectNode frame) {
        return request(frame, WAIT);
    }

    /** As {@link #request(ObjectNode)}, waiting up to {@code within} for the reply. */
    public JsonNode request(ObjectNode frame, Duration within) {
        String requestId = UUID.randomUUID().toString();
        frame.put("requestId", requestId);
        sendText(frame.toString());
        return await(f -> requestId.equals(f.path("requestId").asText(null)), within);
    }

    public JsonNode send(String to, String clientMsgId, String text) {
        ObjectNode frame = JSON.createObjectNode().put("action", "send").put("to", to).put("clientMsgId", clientMsgId);
        frame.putObject("body").put("text", text);
        return request(frame);
    }

    public JsonNode sendTo(String conversationId, String clientMsgId, String text) {
        ObjectNode frame = JSON.createObjectNode().put("action", "send").put("conversationId", conversationId)
                .put("clientMsgId", clientMsgId);
        frame.putObject("body").put("text", text);
        return request(frame);
    }

    public JsonNode heartbeat() {
        return heartbeat(WAIT);
    }

    /** A heartbeat answered within {@code within}: frames sent before it are handled first. */
    public JsonNode heartbeat(Duration within) {
        return request(JSON.createObjectNode().put("action", "heartbeat"), within);
    }

    /** Waits for the first frame received (so far or later) that matches. */
    public JsonNode await(Predicate<JsonNode> matching) {
        return await(matching, WAIT);
    }

    /** Waits up to {@code within} for the first frame received (so far or later) that matches. */
    public JsonNode await(Predicate<JsonNode> matching, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (frames) {
            while (true) {
                for (JsonNode frame : frames) {
                    if (matching.test(frame)) {
                        return frame;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching frame within " + within + "; received " + frames);
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Waits until {@code count} frames match, and returns them in arrival order. */
    public List<JsonNode> awaitCount(Predicate<JsonNode> matching, int count) {
        return awaitCount(matching, count, WAIT);
    }

    /** As {@link #awaitCount(Predicate, int)}, waiting up to {@code within}. */
    public List<JsonNode> awaitCount(Predicate<JsonNode> matching, int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (frames) {
            while (true) {
                List<JsonNode> found = frames.stream().filter(matching).toList();
                if (found.size() >= count) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + found.size() + " of " + count + " frames within " + within
                            + "; received " + frames);
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Every frame received so far that matches. */
    public List<JsonNode> received(Predicate<JsonNode> matching) {
        synchronized (frames) {
            return frames.stream().filter(matching).toList();
        }
    }

    /**
     * A {@code message} push of the conversation that is not a group's membership change (those are
     * timeline entries of kind {@code member}, pushed as {@code message} frames too: see
     * {@link #memberEntryIn}).
     */
    public static Predicate<JsonNode> messageIn(String conversationId) {
        return f -> "message".equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText())
                && !"member".equals(f.path("kind").asText());
    }

    /** A group's membership change as its timeline entry (kind {@code member}) is pushed. */
    public static Predicate<JsonNode> memberEntryIn(String conversationId) {
        return f -> "message".equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText())
                && "member".equals(f.path("kind").asText());
    }

    public boolean isOpen() {
        return !closed.isDone() && !socket.isOutputClosed();
    }

    /** The close status the server sent, waiting for it. */
    public int awaitClose() {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection was not closed", e);
        }
    }

    /** Drops the connection without a close frame, as a lost network does (the server sees 1006). */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (isOpen()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }
}
