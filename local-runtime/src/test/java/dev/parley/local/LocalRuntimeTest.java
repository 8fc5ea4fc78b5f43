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
}
