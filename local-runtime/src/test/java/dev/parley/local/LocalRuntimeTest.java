package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.local.auth.LocalIssuer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole runtime, started as {@code ./parley local} starts it, answering a real client. */
class LocalRuntimeTest {
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0).build());
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
    }

    @Test
    void aHeartbeatIsAnsweredWithAPong() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        String token = runtime.issuer().token("alice", "laptop", LocalIssuer.DEFAULT_TTL);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(runtime.websocketUrl() + "/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                received.add(data.toString());
                                webSocket.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"action\":\"heartbeat\",\"requestId\":\"r1\"}", true).join();
        await().until(() -> received.stream().anyMatch(frame -> frame.contains("\"pong\"")));
        assertThat(received).anyMatch(frame -> frame.contains("\"r1\""));
        socket.abort();
    }

    /** One raw HTTP/1.1 request (the JDK client will not send a foreign Host), answered status line and body. */
    private static String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", runtime.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String headers = head.toString(StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return headers + new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String post(String path, String headers, String body) throws Exception {
        return raw("POST " + path + " HTTP/1.1\r\n" + headers + "Content-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    void aCrossOriginReloadIsRefusedWithJson() throws Exception {
        String answer = post("/dev/reload", "Host: 127.0.0.1:" + runtime.port() + "\r\nOrigin: http://evil.example\r\n", "");
        assertThat(answer).startsWith("HTTP/1.1 403").contains("\"code\":\"FORBIDDEN\"");
    }

    @Test
    void aForeignHostIsRefusedWithJson() throws Exception {
        String answer = post("/dev/token", "Host: rebound.example:" + runtime.port() + "\r\n", "{\"userId\":\"alice\"}");
        assertThat(answer).startsWith("HTTP/1.1 403").contains("\"code\":\"FORBIDDEN\"");
    }

    @Test
    void aTokenTtlOutOfRangeIsABadRequestInJson() throws Exception {
        String answer = post("/dev/token", "Host: 127.0.0.1:" + runtime.port() + "\r\n",
                "{\"userId\":\"alice\",\"ttlSeconds\":99999999999999}");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"BAD_REQUEST\"", "ttlSeconds");
    }

    @Test
    void anAmbiguousUriIsAnsweredInJsonWithoutAnHtmlPage() throws Exception {
        String answer = raw("GET /api/%2e%2e/%2fdev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 4").contains("\"code\":").doesNotContain("<html");
    }

    @Test
    void aRefusedConnectNeverEchoesTheTokenOfItsUrl() throws Exception {
        String answer = raw("GET /?token=secret.token.value HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 401").doesNotContain("secret.token.value").doesNotContain("<html");
    }

    @Test
    void aBodyOverTheHttpApiLimitIsPayloadTooLargeInJson() throws Exception {
        String answer = raw("POST /api/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + (dev.parley.model.aws.AwsLimits.HTTP_PAYLOAD_BYTES + 1) + "\r\nConnection: close\r\n\r\n{");
        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
    }
}
