package dev.parley.functions.observability;

import dev.parley.model.protocol.JsonTree;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured logs and metrics, one JSON object per line. A line that carries metrics is in
 * CloudWatch Embedded Metric Format: CloudWatch Logs turns its {@code _aws} block into metrics in
 * the {@code Parley} namespace, by {@code route} and by {@code route} and {@code outcome} (so
 * refusals are counted per error code). No logging framework: nothing to initialize on a cold
 * start beyond this class.
 *
 * <p>Lines go to standard error (CloudWatch Logs on Lambda; the terminal locally) or, with
 * {@code LOG_FILE}, appended to that file; {@code LOG_LEVEL} filters them.
 */
public final class Telemetry {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.err;

    private Telemetry() {}

    /** Called once per loaded function code, from its configuration. */
    public static synchronized void configure(String level, String logFile) {
        threshold = level == null || level.isEmpty() ? Level.INFO : Level.valueOf(level.toUpperCase());
        if (logFile != null && !logFile.isEmpty()) {
            try {
                out = new PrintStream(new FileOutputStream(logFile, true), true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("{\"level\":\"WARN\",\"message\":\"cannot open LOG_FILE " + logFile + "; logging to stderr\"}");
            }
        }
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    /** A new line about {@code route} (a WebSocket route key, an HTTP route, {@code fanout}, ...). */
    public static Event event(String route) {
        return new Event(route);
    }

    /** One log line, with optional metrics. Fields with null values are left out. */
    public static final class Event {
        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final List<Map<String, Object>> metrics = new ArrayList<>();
        private final long startedAt = System.nanoTime();

        private Event(String route) {
            fields.put("route", route);
        }

        public Event field(String name, Object value) {
            if (value != null) {
                fields.put(name, value);
            }
            return this;
        }

        /** A metric of this line; {@code unit} is a CloudWatch unit (Count, Milliseconds, ...). */
        public Event metric(String name, double value, String unit) {
            fields.put(name, value);
            metrics.add(Map.of("Name", name, "Unit", unit));
            return this;
        }

        /** The failure with its stack trace, as the {@code error} field. */
        public Event failure(Throwable failure) {
            java.io.StringWriter trace = new java.io.StringWriter();
            failure.printStackTrace(new java.io.PrintWriter(trace));
            return field("error", trace.toString());
        }

        public long elapsedMillis() {
            return (System.nanoTime() - startedAt) / 1_000_000;
        }

        public void emit(Level level) {
            if (!enabled(level)) {
                return;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            long now = System.currentTimeMillis();
            line.put("time", now);
            line.put("level", level.name());
            line.putAll(fields);
            if (!metrics.isEmpty()) {
                List<List<String>> dimensions = fields.containsKey("outcome")
                        ? List.of(List.of("route"), List.of("route", "outcome"))
                        : List.of(List.of("route"));
                line.put("_aws", Map.of("Timestamp", now, "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", "Parley", "Dimensions", dimensions, "Metrics", metrics))));
            }
            out.println(JsonTree.write(line));
        }
    }
}
