package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structured log lines and EMF metrics, read from the --log-file of a runtime of its own. */
class ObservabilityTest {

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                lines.add(WsClient.JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void oneMessageCanBeFollowedFromSendToEveryPushByConversationAndSeq(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("parley.log");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .setting(Setting.LOG_FILE, log.toString()).build())) {
            String conversation = ConversationId.direct("alice", "bob");
            try (WsClient alice = OwnRuntime.connect(runtime, "alice"); WsClient bob = OwnRuntime.connect(runtime, "bob")) {
                alice.send("bob", "traced", "follow me");
                bob.await(WsClient.messageIn(conversation));
                alice.sendText("{\"action\":\"send\",\"requestId\":\"bad-1\"}");
                alice.await(f -> "bad-1".equals(f.path("requestId").asText()));
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines(log).stream()
                    .anyMatch(line -> "fanout".equals(line.path("route").asText())));
            List<JsonNode> lines = lines(log);

            JsonNode send = lines.stream().filter(l -> "send".equals(l.path("route").asText())
                    && "ok".equals(l.path("outcome").asText())).findFirst().orElseThrow();
            assertThat(send.get("userId").asText()).isEqualTo("alice");
            assertThat(send.get("conversationId").asText()).isEqualTo(conversation);
            assertThat(send.get("seq").asLong()).isEqualTo(1);
            assertThat(send.get("connectionId").asText()).isNotBlank();
            assertThat(send.get("requestId").asText()).isNotBlank();
            assertThat(send.get("LatencyMs").asLong()).isNotNegative();
            // Embedded Metric Format: CloudWatch makes these metrics in the Parley namespace.
            JsonNode emf = send.get("_aws").get("CloudWatchMetrics").get(0);
            assertThat(emf.get("Namespace").asText()).isEqualTo("Parley");
            assertThat(emf.get("Metrics")).extracting(m -> m.get("Name").asText())
                    .contains("MessagesAccepted", "Requests", "LatencyMs");
            assertThat(send.get("MessagesAccepted").asInt()).isEqualTo(1);

            JsonNode fanout = lines.stream().filter(l -> "fanout".equals(l.path("route").asText())
                    && conversation.equals(l.path("conversationId").asText()) && l.path("seq").asLong() == 1)
                    .findFirst().orElseThrow();
            assertThat(fanout.get("pushed").asInt()).isEqualTo(1); // bob; alice's own connection had `sent`
            assertThat(fanout.get("outcome").asText()).isEqualTo("ok");
            assertThat(fanout.get("latencyMs").asLong()).isNotNegative();

            JsonNode refused = lines.stream().filter(l -> "BAD_REQUEST".equals(l.path("outcome").asText()))
                    .findFirst().orElseThrow();
            assertThat(refused.get("requestId").asText()).isEqualTo("bad-1");
            assertThat(refused.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString())
                    .contains("outcome");
            assertThat(lines).noneMatch(l -> "ERROR".equals(l.path("level").asText()));
        }
    }
}
