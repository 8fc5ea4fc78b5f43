package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;

/**
 * Issue 13 item 11, the local HTTP server: slow bodies froze everyone, bodies had no size limit,
 * odd requests got Jetty's HTML pages, the {@code @connections} API and the dev endpoints accepted
 * anyone on the machine (a cross-origin {@code text/plain} POST reloaded the code), and the 429
 * page echoed the JWT from the URL. Every refusal is JSON with a stable code; nothing leaks.
 */
class LocalHttpAttackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Target target = Target.defaults();

    private int port() {
        return target.runtime().port();
    }

    private static JsonNode json(String text) {
        try {
            return WsClient.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void slowRequestBodiesFreezeNobodyElse() throws Exception {
        String mallory = Target.user("mallory");
        String token = target.token(mallory);
        List<Socket> trickling = new ArrayList<>();
        try {
            for (int i = 0; i < 230; i++) {
                Socket socket = new Socket("127.0.0.1", port());
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/groups HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.UTF_8));
                out.flush();
                trickling.add(socket);
            }
            // While they trickle: a new HTTP request, a new WebSocket and a push all go through.
            assertThat(target.api(Target.user("bystander")).get("/conversations").status()).isEqualTo(200);
            target.othersStillChat();
        } finally {
            for (Socket socket : trickling) {
                socket.close();
            }
        }
    }

    @Test
    void aHugeBodyIsRefusedWith413InJson() throws Exception {
        String mallory = Target.user("mallory");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(target.runtime().httpUrl() + "/groups"))
                .header("Authorization", "Bearer " + target.token(mallory)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "x".repeat(8 * 1024 * 1024) + "\",\"members\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response.body()).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(target.api(mallory).get("/conversations").body().get("conversations")).isEmpty();
        target.othersStillChat();
    }

    @Test
    void aTokenWithAnAbsurdLifetimeIsABadRequestInJson() throws Exception {
        for (String ttl : List.of("1e15", "9223372036854775807", "-1", "\"forever\"")) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(target.runtime().connectionsUrl()
                            + "/dev/token")).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"userId\":\"mallory\",\"ttlSeconds\":" + ttl + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("ttlSeconds " + ttl).isEqualTo(400);
            assertThat(json(response.body()).get("code").asText()).as("ttlSeconds " + ttl).isEqualTo("BAD_REQUEST");
        }
        target.othersStillChat();
    }

    @Test
    void ambiguousUrisAreAnsweredWithTheJsonErrorShape() throws Exception {
        String token = target.token(Target.user("mallory"));
        for (String path : List.of("/api/%2e%2e/dev/token", "/api/conversations/%2F..%2F/messages", "//api//conversations",
                "/api/conversations/a%00b/messages", "/api/%ZZ", "/api/conversations/..;/..;/dev/reload")) {
            RawHttp.Response response = RawHttp.get(port(), path, "127.0.0.1:" + port(), "Authorization: Bearer " + token);
            assertThat(response.status()).as(path).isBetween(400, 499);
            assertThat(response.contentType()).as(path + " content type").startsWith("application/json");
            assertThat(json(response.body()).path("message").asText()).as(path + " message").isNotBlank();
        }
        target.othersStillChat();
    }

    @Test
    void theConnectionsApiRefusesPostsNotSignedWithTheLocalCredentials() throws Exception {
        String bob = Target.user("bob");
        try (WsClient b = target.connect(bob)) {
            String connectionId = target.stored().connectionsOf(bob).get(0);
            String forged = "{\"type\":\"message\",\"conversationId\":\"dm:x:y\",\"seq\":1,\"senderId\":\"admin\","
                    + "\"body\":{\"text\":\"click here\"}}";
            HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create(target.runtime().connectionsUrl()
                            + "/@connections/" + URLEncoder.encode(connectionId, StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(forged)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.statusCode()).as("unsigned post").isEqualTo(403);
            assertThat(json(unsigned.body()).path("message").asText()).isNotBlank();

            try (ApiGatewayManagementApiClient wrongKeys = ApiGatewayManagementApiClient.builder()
                    .endpointOverride(URI.create(target.runtime().connectionsUrl())).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDMALLORY", "guess")))
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(ApiGatewayManagementApiException.class,
                        () -> wrongKeys.postToConnection(p -> p.connectionId(connectionId).data(SdkBytes.fromUtf8String(forged))))
                        .statusCode()).as("post signed with other keys").isEqualTo(403);
            }
            Target.stillServes(b);
            assertThat(b.received(f -> "admin".equals(f.path("senderId").asText()))).as("forged frames delivered").isEmpty();
        }
        target.othersStillChat();
    }

    @Test
    void devEndpointsRefuseOtherOriginsAndForeignHosts() throws Exception {
        LocalRuntime runtime = target.runtime();
        ClassLoader code = runtime.functions().code();
        HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.connectionsUrl() + "/dev/reload"))
                .header("Origin", "http://evil.example").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reload.statusCode()).as("cross-origin reload").isEqualTo(403);
        assertThat(json(reload.body()).path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(runtime.functions().code()).as("the code was not reloaded").isSameAs(code);

        HttpResponse<String> notifications = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.connectionsUrl()
                        + "/dev/notifications?userId=bob")).header("Origin", "http://evil.example").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notifications.statusCode()).as("cross-origin notifications").isEqualTo(403);

        // DNS rebinding: the browser sends the attacker's host name.
        RawHttp.Response rebound = RawHttp.exchange(port(), "POST /dev/token HTTP/1.1\r\nHost: evil.example:" + port()
                + "\r\nContent-Type: application/json\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{\"userId\":\"alice\"}\n");
        assertThat(rebound.status()).as("foreign Host").isIn(403, 421);
        assertThat(rebound.body()).doesNotContain("token\":");

        // The page and the runtime's own clients (same origin, loopback host) still work.
        assertThat(RawHttp.get(port(), "/", "127.0.0.1:" + port()).status()).isEqualTo(200);
        target.othersStillChat();
    }

    @Test
    void noRefusalPageShowsTheToken() throws Exception {
        String alice = Target.user("alice");
        String token = target.token(alice);
        List<WsClient> open = new ArrayList<>();
        try {
            // Fill the user's share of connections, then one handshake more is refused with 429.
            for (int i = 0; i < 50; i++) {
                Target.Attempt attempt = Target.attempt(target.runtime().websocketUrl() + "/?token=" + token);
                if (attempt.client() == null) {
                    break;
                }
                open.add(attempt.client());
            }
            RawHttp.Response refused = RawHttp.exchange(port(), "GET /?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            assertThat(refused.status()).as("the handshake past the share").isEqualTo(429);
            assertThat(refused.headers() + refused.body()).as("the 429 answer").doesNotContain(token).doesNotContain(".eyJ");
            RawHttp.Response bad = RawHttp.get(port(), "/api/%ZZ?token=" + token, "127.0.0.1:" + port());
            assertThat(bad.headers() + bad.body()).as("an error page").doesNotContain(token);
            for (WsClient connection : open) {
                Target.stillServes(connection);
            }
        } finally {
            open.forEach(WsClient::close);
        }
    }
}
