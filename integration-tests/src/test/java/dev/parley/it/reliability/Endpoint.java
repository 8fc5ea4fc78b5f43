package dev.parley.it.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running Parley, in this JVM or in a child process, reached the way a client reaches it:
 * the WebSocket URL, the local issuer's {@code POST /dev/token}, and the HTTP API.
 *
 * @param websocketUrl {@code ws://127.0.0.1:PORT}
 * @param baseUrl      {@code http://127.0.0.1:PORT} (the {@code connectionsUrl} of the READY line)
 */
record Endpoint(String websocketUrl, String baseUrl) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * The suites drop connections by the hundred: the SDK's INFO line per reconnect would bury what
     * they print. (Held here: java.util.logging keeps loggers weakly.)
     */
    private static final Logger SDK_LOG = quiet(Logger.getLogger("dev.parley.client"));

    private static Logger quiet(Logger logger) {
        logger.setLevel(Level.WARNING);
        return logger;
    }

    static Endpoint of(LocalRuntime runtime) {
        return new Endpoint(runtime.websocketUrl(), runtime.connectionsUrl());
    }

    static Endpoint onPort(int port) {
        return new Endpoint("ws://127.0.0.1:" + port, "http://127.0.0.1:" + port);
    }

    String httpUrl() {
        return baseUrl + "/api";
    }

    /** A token from the local issuer, over HTTP as a client gets one. Throws while the runtime is down. */
    String token(String userId, String deviceId) throws IOException, InterruptedException {
        var request = WsClient.JSON.createObjectNode().put("userId", userId);
        if (deviceId != null) {
            request.put("deviceId", deviceId);
        }
        String body = request.toString();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/dev/token"))
                        .timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("token refused: " + response.statusCode() + " " + response.body());
        }
        return WsClient.JSON.readTree(response.body()).get("token").asText();
    }

    String tokenNow(String userId, String deviceId) {
        try {
            return token(userId, deviceId);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An SDK client as the suites configure it: the production reconnect policy (exponential,
     * full jitter) on a faster scale, 100 ms growing to 1 s and starting over once a connection
     * held for 1 s, so that a test sees several rounds of it in seconds; requests unanswered for
     * 3 s are sent again; a missing seq is waited for 300 ms.
     */
    ParleyClient.Builder client(String userId, String deviceId, Device device) {
        return ParleyClient.builder()
                .websocketUrl(websocketUrl)
                .tokenSupplier(() -> token(userId, deviceId))
                .deviceId(deviceId)
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .withStableAfter(Duration.ofSeconds(1)))
                .requestTimeout(Duration.ofSeconds(3))
                .heartbeatInterval(Duration.ofSeconds(2))
                .gapWait(Duration.ofMillis(300))
                .maxGapWait(Duration.ofSeconds(2))
                .cursorStore(device.cursors())
                .listener(device);
    }

    /** Connects and waits until the first sync reached the application. */
    ParleyClient connect(String userId, String deviceId, Device device) {
        ParleyClient client = client(userId, deviceId, device).build();
        client.connect().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        return client;
    }

    /** A group created over the HTTP API by {@code owner} (a member), with {@code others}. */
    String createGroup(String owner, List<String> others) {
        ArrayNode members = WsClient.JSON.createArrayNode();
        others.forEach(members::add);
        String body = WsClient.JSON.createObjectNode().put("name", "reliability").set("members", members).toString();
        JsonNode created = http("POST", "/groups", owner, body, 201);
        return created.get("conversationId").asText();
    }

    /** A page of the conversation's messages over the HTTP API, as {@code userId} reads it. */
    JsonNode messagesAfter(String userId, String conversationId, long afterSeq, int limit) {
        return http("GET", "/conversations/" + URLEncoder.encode(conversationId, StandardCharsets.UTF_8)
                + "/messages?afterSeq=" + afterSeq + "&limit=" + limit, userId, null, 200);
    }

    /** {@code GET /conversations} as {@code userId}: the conversation list with unread counts. */
    JsonNode conversations(String userId) {
        return http("GET", "/conversations", userId, null, 200);
    }

    /** One call as {@code userId}; a 429 is waited out for its {@code retryAfterMs}, as a client does. */
    private JsonNode http(String method, String path, String userId, String body, int expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(httpUrl() + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token(userId, null))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == expected) {
                    return WsClient.JSON.readTree(response.body());
                }
                if (response.statusCode() != 429 || attempt == 20) {
                    throw new AssertionError(method + " " + path + " answered " + response.statusCode() + " "
                            + response.body());
                }
                Thread.sleep(Math.max(10, WsClient.JSON.readTree(response.body()).path("retryAfterMs").asLong(100)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
