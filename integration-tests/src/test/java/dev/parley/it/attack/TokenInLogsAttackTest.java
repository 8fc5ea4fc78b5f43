package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.reliability.ChildRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.testsupport.http.ParleyHttp;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 11, log lines: "no token appears in any error page or log line". The product's
 * entry point runs in a process of its own, on the class path {@code ./parley local} uses, at the most verbose level ({@code --log-level DEBUG},
 * the gateway's activity lines on), with everything it writes to standard output and standard
 * error captured, while refusals carry a token in the URL: a forged token (401), a valid one past
 * the user's share of connections (429), error pages of the HTTP API. Then no part of either token
 * (its payload or its signature) is anywhere in what was written, and the refusals were logged,
 * so the capture did see them.
 */
class TokenInLogsAttackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void noLogLineShowsATokenFromTheUrl(@TempDir Path directory) throws Exception {
        Path log = directory.resolve("runtime.log");
        int port = ChildRuntime.freePort();
        String user = Target.user("alice");
        String token;
        String forged;
        boolean asShipped;
        try (ChildRuntime child = ChildRuntime.startAsShipped(log, "--port", Integer.toString(port), "--log-level", "DEBUG")) {
            asShipped = child.asShipped();
            String websocket = "ws://127.0.0.1:" + port;
            token = ParleyHttp.devToken(HTTP, "http://127.0.0.1:" + port, user, null);
            forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

            assertThat(WsClient.handshakeStatus(websocket + "/?token=" + forged)).as("a forged token").isEqualTo(401);

            List<WsClient> open = new ArrayList<>();
            try {
                Target.Attempt attempt;
                do {
                    attempt = Target.attempt(websocket + "/?token=" + token);
                    if (attempt.client() != null) {
                        open.add(attempt.client());
                    }
                } while (attempt.client() != null && open.size() < 50);
                assertThat(attempt.status()).as("a connection past the user's share").isEqualTo(429);
            } finally {
                open.forEach(WsClient::close);
            }

            for (String path : List.of("/api/%ZZ?token=" + token, "/api/conversations?token=" + token,
                    "/api/conversations/..;/?token=" + token)) {
                RawHttp.Response refused = RawHttp.get(port, path, "127.0.0.1:" + port);
                assertThat(refused.status()).as(path).isBetween(400, 499);
            }
        }
        String written = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(written).as("the refusal past the share was logged").contains("TOO_MANY_CONNECTIONS");
        if (asShipped) {
            // On the test class path (local-runtime not packaged yet) SLF4J has no binding and the gateway writes nothing.
            assertThat(written).as("the activity lines were on").contains("connected");
        }
        for (String secret : List.of(token, forged)) {
            String[] parts = secret.split("\\.");
            assertThat(written).as("a token's payload").doesNotContain(parts[1]);
            assertThat(written).as("a token's signature").doesNotContain(parts[2]);
        }
    }
}
