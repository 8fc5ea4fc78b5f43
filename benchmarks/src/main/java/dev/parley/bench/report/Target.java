package dev.parley.bench.report;

import java.util.function.DoublePredicate;

/**
 * A figure's target from issue 6, printed beside the figure and never asserted: a benchmark that
 * misses one still succeeds, and docs/benchmarks.md says why it missed and what would close it.
 */
public record Target(String text, DoublePredicate met) {

    public static Target below(double limit, String unit) {
        return new Target("< " + Report.format(limit) + " " + unit, value -> value < limit);
    }

    public static Target atMost(double limit, String unit) {
        return new Target("<= " + Report.format(limit) + " " + unit, value -> value <= limit);
    }

    public static Target atLeast(double limit, String unit) {
        return new Target(">= " + Report.format(limit) + " " + unit, value -> value >= limit);
    }

    public static Target exactly(double expected) {
        return new Target("= " + Report.format(expected), value -> value == expected);
    }

    public boolean isMet(double value) {
        return !Double.isNaN(value) && met.test(value);
    }
}
