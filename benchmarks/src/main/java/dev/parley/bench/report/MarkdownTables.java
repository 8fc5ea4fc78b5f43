package dev.parley.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the figures of a bench-results.json as the Markdown tables of docs/benchmarks.md, so that
 * the page is refreshed from a run rather than retyped:
 * {@code java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.parley.bench.report.MarkdownTables bench-results.json}.
 */
public final class MarkdownTables {
    /** Sections, by figure-name prefix; the first match wins. */
    private static final List<Map.Entry<String, String>> SECTIONS = List.of(
            Map.entry("jar_", "Deployable artifact"),
            Map.entry("cold_", "Cold starts (fresh JVM per run, median)"),
            Map.entry("warm_", "Warm invocations (the GB-second proxy)"),
            Map.entry("direct_cost", "Cost per million 1:1 messages"),
            Map.entry("direct_", "1:1 latency and capacity units"),
            Map.entry("heartbeat_", "Keeping a user connected"),
            Map.entry("session_", "Keeping a user connected"),
            Map.entry("group10_cost", "Cost per million messages into 10-member groups"),
            Map.entry("group10_", "Groups: capacity units of a message into a 10-member group"),
            Map.entry("fanout_", "Fan-out"),
            Map.entry("throughput_", "Throughput"),
            Map.entry("ably_", "Beside Ably and AppSync Events"),
            Map.entry("appsync_", "Beside Ably and AppSync Events"),
            Map.entry("codec_", "JMH: frame codec"),
            Map.entry("bench_", "Run"));

    /** The order the sections are printed in. */
    private static final List<String> DISPLAY = List.of("Deployable artifact", "Cold starts (fresh JVM per run, median)",
            "Warm invocations (the GB-second proxy)", "1:1 latency and capacity units", "Keeping a user connected",
            "Groups: capacity units of a message into a 10-member group", "Fan-out", "Throughput",
            "Cost per million 1:1 messages", "Cost per million messages into 10-member groups",
            "Beside Ably and AppSync Events", "JMH: frame codec", "Run", "Other");

    private MarkdownTables() {}

    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(Path.of(args.length > 0 ? args[0] : "bench-results.json").toFile());
        Map<String, StringBuilder> tables = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> figure : results.path("figures").properties()) {
            String section = SECTIONS.stream().filter(s -> figure.getKey().startsWith(s.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("Other");
            JsonNode value = figure.getValue();
            String target = value.has("target")
                    ? value.path("target").asText() + (value.path("met").asBoolean() ? " (met)" : " (**missed**)")
                    : "";
            tables.computeIfAbsent(section, k -> new StringBuilder("| figure | value | unit | target |\n| --- | ---: | --- | --- |\n"))
                    .append("| `").append(figure.getKey()).append("` | ").append(value.path("value").asText())
                    .append(" | ").append(value.path("unit").asText()).append(" | ").append(target).append(" |\n");
        }
        // In DISPLAY order, whatever order the run measured them in.
        DISPLAY.stream().filter(tables::containsKey)
                .forEach(section -> System.out.println("#### " + section + "\n\n" + tables.get(section)));
    }
}
