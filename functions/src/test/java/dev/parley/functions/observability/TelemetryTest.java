package dev.parley.functions.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.protocol.JsonTree;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log lines as CloudWatch Logs reads them: one JSON object each, EMF metrics in {@code _aws}. */
class TelemetryTest {

    @Test
    void aLineWithMetricsIsOneJsonObjectInEmbeddedMetricFormat() throws Exception {
        String line = Telemetry.event("send").field("userId", "alice").field("seq", 42L).field("status", 200)
                .field("signedOut", true).field("outcome", "ok")
                .metric("Requests", 1, "Count").metric("LatencyMs", 12.5, "Milliseconds")
                .line(Telemetry.Level.INFO, 1_700_000_000_000L);

        assertThat(line).doesNotContain("\n");
        assertThat(JsonTree.parse(line)).isEqualTo(Map.ofEntries(
                Map.entry("time", 1_700_000_000_000L), Map.entry("level", "INFO"), Map.entry("route", "send"),
                Map.entry("userId", "alice"), Map.entry("seq", 42L), Map.entry("status", 200L),
                Map.entry("signedOut", true), Map.entry("outcome", "ok"), Map.entry("Requests", 1L),
                Map.entry("LatencyMs", new java.math.BigDecimal("12.5")),
                Map.entry("_aws", Map.of("Timestamp", 1_700_000_000_000L, "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", "Parley",
                        "Dimensions", List.of(List.of("route"), List.of("route", "outcome")),
                        "Metrics", List.of(Map.of("Name", "Requests", "Unit", "Count"),
                                Map.of("Name", "LatencyMs", "Unit", "Milliseconds"))))))));
    }

    @Test
    void hostileTextStaysInsideItsStringAndNullFieldsAreLeftOut() throws Exception {
        String hostile = "a \"quote\", a \\ backslash,\na newline, a tab\t, a bell \u0007 and 中文 😀";
        String line = Telemetry.event("fanout").field("error", hostile).field("absent", null)
                .line(Telemetry.Level.WARN, 1L);

        assertThat(line).doesNotContain("\n");
        assertThat(JsonTree.parse(line)).isEqualTo(Map.of("time", 1L, "level", "WARN", "route", "fanout", "error", hostile));
    }

    @Test
    void nestedValuesAreWrittenAsJson() throws Exception {
        String line = Telemetry.event("fanout").field("members", List.of("bob", "carol")).field("ratio", Double.NaN)
                .line(Telemetry.Level.INFO, 1L);

        assertThat(JsonTree.parse(line)).isEqualTo(Map.of("time", 1L, "level", "INFO", "route", "fanout",
                "members", List.of("bob", "carol"), "ratio", "NaN"));
    }
}
