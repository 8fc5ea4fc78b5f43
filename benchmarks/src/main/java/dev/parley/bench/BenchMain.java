package dev.parley.bench;

import dev.parley.bench.cold.ColdStartBench;
import dev.parley.bench.cost.CostModel;
import dev.parley.bench.jmh.Microbenchmarks;
import dev.parley.bench.live.DirectLatencyBench;
import dev.parley.bench.live.FanoutBench;
import dev.parley.bench.live.FeaturesBench;
import dev.parley.bench.live.IdleCpuBench;
import dev.parley.bench.live.LiveStack;
import dev.parley.bench.live.GroupPartitionBench;
import dev.parley.bench.live.PresenceBench;
import dev.parley.bench.live.SyncBench;
import dev.parley.bench.live.ThroughputBench;
import dev.parley.bench.report.Report;
import dev.parley.bench.support.JarSizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./parley bench [--quick]}: every benchmark of issue 6, in an order that keeps them out
 * of each other's way (cold starts first, on a quiet machine), printing {@code BENCH} lines and
 * writing bench-results.json at the repository root.
 *
 * <p>Options: {@code --quick} (the minimum counts the issue allows: under 3 minutes on 2 cores),
 * {@code --only a,b} (a subset of jar, cold, latency, fanout, throughput, sync, features, idle, cost, jmh), {@code --out FILE},
 * {@code --cold-java PATH} (the java that runs the cold-start JVMs; default: this one),
 * {@code --fanout-sizes 500,10000} and {@code --fanout-repeats N} (the mode's fan-out group sizes and
 * messages per size instead, without {@code fanout_devices_*}: one size of the full run alone, within
 * a session's time).
 */
public final class BenchMain {
    /** How much of everything a run measures. */
    record Mode(String name, int coldRuns, int warmInvocations, int latencyWarmup, int latencyMessages,
                List<Integer> fanoutSizes, int fanoutRepeats, boolean fanoutDevices, int throughputPairs, int throughputWindow,
                int throughputWarmupSeconds, int throughputSeconds, boolean jmh) {
        static final Mode QUICK = new Mode("quick", 5, 60, 100, 2_000, List.of(10, 100, 500, 2_000), 3, false, 64, 2, 2, 30, false);
        static final Mode FULL = new Mode("full", 10, 300, 500, 5_000, List.of(10, 100, 500, 2_000, 10_000), 5, true, 64, 2, 10, 60, true);

        boolean quick() {
            return name.startsWith("quick");
        }
    }

    private static final Set<String> PARTS = Set.of("jar", "cold", "latency", "fanout", "throughput", "sync", "features", "idle", "cost",
            "jmh");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.FULL;
        Path root = Path.of("").toAbsolutePath();
        Path out = null;
        String coldJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Set<String> only = PARTS;
        List<Integer> fanoutSizes = null;
        Integer fanoutRepeats = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> mode = Mode.QUICK;
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "--cold-java" -> coldJava = args[++i];
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--fanout-sizes" -> fanoutSizes = java.util.Arrays.stream(args[++i].split(","))
                        .map(Integer::valueOf).toList();
                case "--fanout-repeats" -> fanoutRepeats = Integer.valueOf(args[++i]);
                default -> {
                    System.err.println("bench: unknown option " + args[i]
                            + " (use --quick, --only " + String.join(",", PARTS)
                            + ", --out FILE, --cold-java PATH, --fanout-sizes N,M, --fanout-repeats N)");
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            out = root.resolve("bench-results.json");
        }
        if (fanoutSizes != null || fanoutRepeats != null) {
            mode = new Mode(mode.name() + " (fan-out " + (fanoutSizes != null ? fanoutSizes : mode.fanoutSizes()) + " x "
                    + (fanoutRepeats != null ? fanoutRepeats : mode.fanoutRepeats()) + ")", mode.coldRuns(),
                    mode.warmInvocations(), mode.latencyWarmup(), mode.latencyMessages(),
                    fanoutSizes != null ? fanoutSizes : mode.fanoutSizes(),
                    fanoutRepeats != null ? fanoutRepeats : mode.fanoutRepeats(), false,
                    mode.throughputPairs(), mode.throughputWindow(), mode.throughputWarmupSeconds(),
                    mode.throughputSeconds(), mode.jmh());
        }
        System.exit(run(mode, root, out, coldJava, only));
    }

    private static int run(Mode mode, Path root, Path out, String coldJava, Set<String> only) throws Exception {
        long started = System.nanoTime();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Report report = new Report(System.out);
        Map<String, Object> machine = machine();
        double loadAtStart = loadAverage();
        report.comment("mode " + mode.name() + ", " + startedAt + ", " + machine.get("cpus") + " CPUs ("
                + machine.get("cpuModel") + "), " + machine.get("java") + ", " + machine.get("os")
                + ", load average " + Report.format(loadAtStart));
        if (loadAtStart > Runtime.getRuntime().availableProcessors()) {
            report.comment("WARNING: the machine is busy (load average " + Report.format(loadAtStart) + " on "
                    + machine.get("cpus") + " CPUs): timings will be slower and noisier than on a quiet machine");
        }

        Map<String, Double> warmMillis = Map.of();
        if (only.contains("jar")) {
            attempt(report, "jar sizes", () -> JarSizes.run(report, root));
        }
        if (only.contains("cold")) {
            ColdStartBench.Result[] cold = new ColdStartBench.Result[1];
            attempt(report, "cold starts", () -> cold[0] = ColdStartBench.run(report, root, coldJava, mode.coldRuns(),
                    mode.warmInvocations()));
            if (cold[0] != null) {
                warmMillis = cold[0].warmMillis();
            }
        }
        if (only.contains("latency") || only.contains("fanout") || only.contains("throughput") || only.contains("sync")
                || only.contains("features") || only.contains("idle")) {
            try (LiveStack stack = LiveStack.start()) {
                if (only.contains("latency")) {
                    attempt(report, "direct latency", () -> DirectLatencyBench.run(stack, report, mode.latencyWarmup(),
                            mode.latencyMessages()));
                }
                if (only.contains("fanout")) {
                    if (!mode.fanoutSizes().contains(10_000)) {
                        report.comment("fanout_ms_10000 and fanout_ms_10000_half_offline are measured by the full run "
                                + "(./parley bench --only fanout, or alone: --only fanout --fanout-sizes 500,10000): "
                                + "building a 10,000-member group and writing 10,000 sync-store entries per message on "
                                + "DynamoDB Local takes minutes, past --quick's budget");
                    }
                    attempt(report, "fan-out", () -> FanoutBench.run(stack, report, mode.fanoutSizes(),
                            mode.fanoutRepeats(), mode.fanoutDevices()));
                }
                if (only.contains("sync")) {
                    // The sync store (issue 19): 5,000 conversations, 3 changed; a conversation's
                    // sync at 0, 100 and 1,000 unread (the quick run stops at 100).
                    attempt(report, "sync store", () -> SyncBench.run(stack, report, 5_000,
                            mode.quick() ? List.of(0, 100) : List.of(0, 100, 1_000)));
                    // Hazards 4 and 5: a group's partition per message with 1, 100 (and 5,000 in a
                    // full run) devices online and acking; a presence change of a user with many
                    // direct peers, off $connect.
                    attempt(report, "group partition", () -> GroupPartitionBench.run(stack, report,
                            mode.quick() ? List.of(1, 100) : List.of(1, 100, 5_000)));
                    attempt(report, "presence", () -> PresenceBench.run(stack, report,
                            mode.quick() ? 1_000 : 5_000));
                }
                if (only.contains("features")) {
                    // Protocol v2 (issue 15): an edit, a reaction, a delete and a typing signal.
                    attempt(report, "v2 events", () -> FeaturesBench.run(stack, report));
                }
                if (only.contains("throughput")) {
                    attempt(report, "throughput", () -> ThroughputBench.run(stack, report, mode.throughputPairs(),
                            mode.throughputWindow(), mode.throughputWarmupSeconds(), mode.throughputSeconds()));
                }
                if (only.contains("idle")) {
                    // Issue 16: the runtime at rest, once every part before has finished.
                    attempt(report, "idle cpu", () -> IdleCpuBench.run(report, 30));
                }
            }
        }
        if (only.contains("cost")) {
            Map<String, Double> warm = warmMillis;
            attempt(report, "cost model", () -> CostModel.run(report, warm));
        }
        if (only.contains("jmh") && mode.jmh()) {
            attempt(report, "JMH", () -> Microbenchmarks.run(report));
        }

        double seconds = (System.nanoTime() - started) / 1e9;
        machine.put("loadAverageAtStart", loadAtStart);
        machine.put("loadAverageAtEnd", loadAverage());
        report.comment("load average at the end " + Report.format(loadAverage()));
        report.add("bench_runtime_s", seconds, "s", mode.quick() ? dev.parley.bench.report.Target.below(180, "s")
                : null);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("mode", mode.name());
        run.put("startedAt", startedAt.toString());
        run.put("command", "./parley bench" + (mode.quick() ? " --quick" : ""));
        run.put("machine", machine);
        run.put("runtimeSeconds", Math.round(seconds));
        report.write(out, run);
        System.out.println("bench: wrote " + out + (report.failures().isEmpty() ? ""
                : "; " + report.failures().size() + " part(s) FAILED: " + report.failures()));
        return report.failures().isEmpty() ? 0 : 1;
    }

    @FunctionalInterface
    private interface Part {
        void run() throws Exception;
    }

    /** Runs one part; its wall time goes into a {@code bench_part_s_*} figure, so that slow parts show. */
    private static void attempt(Report report, String what, Part part) {
        long started = System.nanoTime();
        try {
            part.run();
        } catch (Exception | AssertionError e) {
            report.failure(what, e);
        }
        report.add("bench_part_s_" + what.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(java.util.Locale.ROOT),
                (System.nanoTime() - started) / 1e9, "s");
    }

    /** The one-minute load average: how much else the two cores were doing. */
    private static double loadAverage() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                * 100) / 100.0;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("cpuModel", cpuModel());
        machine.put("memoryGb", Math.round(((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1e9));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("java", "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        return machine;
    }

    private static String cpuModel() {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/cpuinfo")));
            return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
