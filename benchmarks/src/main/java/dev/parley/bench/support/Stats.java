package dev.parley.bench.support;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of measured samples (nearest-rank percentiles: every value reported was observed). */
public final class Stats {
    private final double[] sorted;

    private Stats(double[] sorted) {
        this.sorted = sorted;
    }

    public static Stats of(Collection<? extends Number> samples) {
        double[] values = samples.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(values);
        return new Stats(values);
    }

    /** Samples in nanoseconds, as milliseconds. */
    public static Stats ofNanosAsMillis(Collection<Long> nanos) {
        double[] values = nanos.stream().mapToDouble(n -> n / 1_000_000.0).toArray();
        Arrays.sort(values);
        return new Stats(values);
    }

    public int count() {
        return sorted.length;
    }

    /** The smallest sample with at least {@code p} percent of the samples at or below it. */
    public double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public double median() {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }
}
