package dev.parley.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every figure of a run. Each one is printed as it is measured, one line per figure:
 * {@code BENCH <name> <value> <unit>}, optionally followed by {@code # target ... (met|MISSED)},
 * so that {@code awk '$1=="BENCH" && $2!="#" {print $2, $3}'} reads them all. Lines of the
 * form {@code BENCH # ...} are comments saying what a group of figures measures. The same
 * figures, targets and comments are written to bench-results.json.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One figure. {@code target} is empty when the issue sets none. */
    public record Figure(String name, double value, String unit, Optional<Target> target) {}

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<String> comments = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final PrintStream out;

    public Report(PrintStream out) {
        this.out = out;
    }

    public synchronized void add(String name, double value, String unit) {
        add(name, value, unit, null);
    }

    public synchronized void add(String name, double value, String unit, Target target) {
        Figure figure = new Figure(name, value, unit, Optional.ofNullable(target));
        figures.put(name, figure);
        StringBuilder line = new StringBuilder("BENCH ").append(name).append(' ').append(format(value)).append(' ')
                .append(unit);
        figure.target().ifPresent(t -> line.append("  # target ").append(t.text())
                .append(t.isMet(value) ? " (met)" : " (MISSED)"));
        out.println(line);
        out.flush();
    }

    /** A {@code BENCH # ...} line: what the figures around it measure, or how. */
    public synchronized void comment(String text) {
        comments.add(text);
        out.println("BENCH # " + text);
        out.flush();
    }

    /** A part of the run that could not measure what it should; the run exits non-zero. */
    public synchronized void failure(String what, Throwable cause) {
        String text = what + ": " + cause;
        failures.add(text);
        out.println("BENCH # FAILED " + text);
        out.flush();
        cause.printStackTrace();
    }

    /** The value of a figure measured earlier in this run, or NaN. */
    public synchronized double value(String name) {
        Figure figure = figures.get(name);
        return figure == null ? Double.NaN : figure.value();
    }

    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    public synchronized void write(Path file, Map<String, Object> run) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>(run);
        Map<String, Object> values = new LinkedHashMap<>();
        figures.forEach((name, figure) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("value", Double.isFinite(figure.value()) ? new BigDecimal(format(figure.value())) : null);
            entry.put("unit", figure.unit());
            figure.target().ifPresent(t -> {
                entry.put("target", t.text());
                entry.put("met", t.isMet(figure.value()));
            });
            values.put(name, entry);
        });
        document.put("figures", values);
        document.put("comments", comments);
        document.put("failures", failures);
        Files.writeString(file, JSON.writeValueAsString(document) + "\n");
    }

    /** Up to three decimals, no trailing zeros: 3, 2.5, 0.042, 1234.568. */
    public static String format(double value) {
        if (!Double.isFinite(value)) {
            return "NaN";
        }
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
