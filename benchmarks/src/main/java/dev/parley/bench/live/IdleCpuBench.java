package dev.parley.bench.live;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.CpuProfile;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the local runtime costs at rest: the CPU time of this whole process (the runtime, DynamoDB
 * Local, the stream poller, the queue emulators, and the benchmark's idle clients) over a window in
 * which nobody sends anything, as a percentage of one core.
 */
public final class IdleCpuBench {
    private IdleCpuBench() {}

    /**
     * The parts before leave the JIT compiling their hot code for a while (seconds on a loaded
     * machine); a runtime at rest has nothing to compile. Waits, at most 60 s, until the JIT's total
     * compilation time has not moved for 2 s.
     */
    private static void awaitCompilerQuiet() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long last = jitMillis();
        int quietChecks = 0;
        while (quietChecks < 4 && System.nanoTime() < deadline) {
            LiveStack.settle(500);
            long now = jitMillis();
            quietChecks = now == last ? quietChecks + 1 : 0;
            last = now;
        }
    }

    private static long jitMillis() {
        var compilation = ManagementFactory.getCompilationMXBean();
        return compilation == null ? 0 : compilation.getTotalCompilationTime();
    }

    public static void run(Report report, int seconds) {
        LiveStack.settle(3_000); // in-flight work, $disconnects and offline checks of the parts before
        System.gc();
        awaitCompilerQuiet();
        CpuProfile before = CpuProfile.snapshot();
        long jitBefore = jitMillis();
        long started = System.nanoTime();
        LiveStack.settle(seconds * 1000L);
        double elapsed = (System.nanoTime() - started) / 1e9;
        Map<String, Long> spent = CpuProfile.snapshot().since(before);
        long total = spent.get("total");
        report.comment("idle: the local runtime in this process at rest for " + seconds + " s (nothing sent, sockets "
                + "closed); CPU by thread role: " + spent.entrySet().stream()
                .filter(e -> !e.getKey().equals("total") && e.getValue() > 0)
                .map(e -> e.getKey() + " " + Report.format(e.getValue() / 1e6) + " ms")
                .collect(Collectors.joining(", ")));
        long runtimeThreads = spent.entrySet().stream()
                .filter(e -> !e.getKey().equals("total") && !e.getKey().startsWith("JIT, GC")
                        && !e.getKey().startsWith("load generator"))
                .mapToLong(Map.Entry::getValue).sum();
        report.add("idle_jit_ms", jitMillis() - jitBefore, "ms");
        // The runtime's own threads (DynamoDB Local, the stream poller, the queue emulators, the
        // gateway), without the JVM's compiler and collector threads and the benchmark's clients.
        report.add("idle_cpu_percent_runtime_threads", runtimeThreads / 1e9 / elapsed * 100, "% of a core");
        report.add("idle_cpu_percent", total / 1e9 / elapsed * 100, "% of a core", Target.below(1, "%"));
    }
}
