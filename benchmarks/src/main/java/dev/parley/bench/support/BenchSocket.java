package dev.parley.bench.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (java.net.http) for load: every frame is parsed and handed to a
 * listener with the time it arrived, on the client's own threads. Sends are serialized per
 * socket (java.net.http allows one outstanding send at a time).
 */
public final class BenchSocket implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Called on a client thread for every frame; must be quick. */
    @FunctionalInterface
    public interface FrameListener {
        void onFrame(BenchSocket socket, JsonNode frame, long receivedNanos);
    }

    private final String name;
    private WebSocket socket;

    private BenchSocket(String name) {
        this.name = name;
    }

    /**
     * Connects, retrying a refused handshake (429, when the gateway's admission limit is reached)
     * with backoff for up to 30 seconds.
     */
    public static BenchSocket connect(HttpClient http, String websocketUrl, String token, String deviceId, String name,
                                      FrameListener listener) {
        String uri = websocketUrl + "/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + (deviceId == null ? "" : "&deviceId=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8));
        BenchSocket client = new BenchSocket(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long backoff = 50;
        while (true) {
            try {
                client.socket = http.newWebSocketBuilder().buildAsync(URI.create(uri), client.listener(listener))
                        .get(10, TimeUnit.SECONDS);
                return client;
            } catch (ExecutionException e) {
                boolean refusedForNow = e.getCause() instanceof WebSocketHandshakeException refused
                        && refused.getResponse().statusCode() == 429;
                if (!refusedForNow || System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not connect " + name, e.getCause());
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not connect " + name, e);
            }
            sleep(backoff);
            backoff = Math.min(1_000, backoff * 2);
        }
    }

    private WebSocket.Listener listener(FrameListener frames) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                long receivedNanos = System.nanoTime();
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    try {
                        frames.onFrame(BenchSocket.this, JSON.readTree(text), receivedNanos);
                    } catch (Exception e) {
                        System.err.println("bench client " + name + ": cannot handle frame " + text + ": " + e);
                    }
                }
                webSocket.request(1);
                return null;
            }
        };
    }

    public String name() {
        return name;
    }

    public synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
        socket.abort();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A send frame to a user (direct) or, when {@code to} starts with {@code grp:}, to a group. */
    public static String sendFrame(String to, String clientMsgId, String text) {
        String target = to.startsWith("grp:") ? "\"conversationId\":\"" + to + "\"" : "\"to\":\"" + to + "\"";
        return "{\"action\":\"send\",\"requestId\":\"" + clientMsgId + "\"," + target + ",\"clientMsgId\":\""
                + clientMsgId + "\",\"body\":{\"text\":\"" + text + "\"}}";
    }
}
