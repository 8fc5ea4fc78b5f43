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
        /** The metrics' names and units, in pairs. */
        private final List<String> metrics = new ArrayList<>();
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
            metrics.add(name);
            metrics.add(unit);
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
            out.println(line(level, System.currentTimeMillis()));
        }

        /**
         * The line, written straight into one buffer: these lines are emitted per request and per
         * delivered message, so no map of the whole line, no generator, and the EMF block is
         * plain text around the metric names.
         */
        String line(Level level, long now) {
            StringBuilder line = new StringBuilder(256 + 24 * metrics.size());
            line.append("{\"time\":").append(now).append(",\"level\":\"").append(level.name()).append('"');
            fields.forEach((name, value) -> {
                line.append(',');
                string(line, name);
                line.append(':');
                value(line, value);
            });
            if (!metrics.isEmpty()) {
                line.append(",\"_aws\":{\"Timestamp\":").append(now)
                        .append(",\"CloudWatchMetrics\":[{\"Namespace\":\"Parley\",\"Dimensions\":")
                        .append(fields.containsKey("outcome") ? "[[\"route\"],[\"route\",\"outcome\"]]" : "[[\"route\"]]")
                        .append(",\"Metrics\":[");
                for (int i = 0; i < metrics.size(); i += 2) {
                    line.append(i == 0 ? "{\"Name\":" : ",{\"Name\":");
                    string(line, metrics.get(i));
                    line.append(",\"Unit\":");
                    string(line, metrics.get(i + 1));
                    line.append('}');
                }
                line.append("]}]}");
            }
            return line.append('}').toString();
        }

        private static void value(StringBuilder line, Object value) {
            if (value instanceof String text) {
                string(line, text);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
                line.append(value);
            } else if (value instanceof Double number && Double.isFinite(number)) {
                if (number == Math.rint(number) && Math.abs(number) < 1e18) {
                    line.append(number.longValue());
                } else {
                    line.append(number.doubleValue());
                }
            } else {
                line.append(JsonTree.write(value instanceof Double ? String.valueOf(value) : value));
            }
        }

        /** A JSON string: quote, backslash and control characters escaped; the rest as is (UTF-8 on output). */
        private static void string(StringBuilder line, String text) {
            line.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    line.append('\\').append(c);
                } else if (c < 0x20) {
                    switch (c) {
                        case '\n' -> line.append("\\n");
                        case '\r' -> line.append("\\r");
                        case '\t' -> line.append("\\t");
                        default -> line.append(String.format("\\u%04x", (int) c));
                    }
                } else {
                    line.append(c);
                }
            }
            line.append('"');
        }
    }
}
