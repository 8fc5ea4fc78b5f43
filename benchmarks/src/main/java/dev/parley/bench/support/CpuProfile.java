package dev.parley.bench.support;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where this process's CPU time goes, by thread role, between two snapshots. Everything of the
 * local stack runs in this one JVM, so the split shows which part the two cores are spent on:
 * DynamoDB Local, the gateway, the functions, the stream poller, or the load generator itself.
 */
public final class CpuProfile {
    /** Thread-name prefixes by role, first match wins. */
    private static final List<Map.Entry<String, String>> ROLES = List.of(
            Map.entry("gateway-route", "send/heartbeat functions (gateway route threads)"),
            Map.entry("stream-poller", "stream poller + fan-out function"),
            Map.entry("parley-fanout", "fan-out @connections posts"),
            Map.entry("parley-post", "fan-out @connections posts"),
            Map.entry("parley-send-check", "send checks beside the send's read"),
            Map.entry("SQLiteQueue", "DynamoDB Local (Jetty + SQLite)"),
            Map.entry("local-queue", "local SQS queue (presence)"),
            Map.entry("parley-http", "gateway + @connections API (Jetty)"),
            Map.entry("bench-", "load generator (bench clients)"),
            Map.entry("HttpClient", "load generator (bench clients)"),
            Map.entry("qtp", "DynamoDB Local (Jetty + SQLite)"),
            Map.entry("sqlite", "DynamoDB Local (Jetty + SQLite)"),
            Map.entry("C1 ", "JIT compilers"),
            Map.entry("C2 ", "JIT compilers"),
            Map.entry("G1 ", "garbage collector"),
            Map.entry("GC ", "garbage collector"));

    private final Map<Long, Long> cpuByThread;
    private final Map<Long, String> roleByThread;
    private final long processCpuNanos;

    private CpuProfile(Map<Long, Long> cpuByThread, Map<Long, String> roleByThread, long processCpuNanos) {
        this.cpuByThread = cpuByThread;
        this.roleByThread = roleByThread;
        this.processCpuNanos = processCpuNanos;
    }

    public static CpuProfile snapshot() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new TreeMap<>();
        Map<Long, String> roles = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long time = threads.getThreadCpuTime(info.getThreadId());
            if (time >= 0) {
                cpu.put(info.getThreadId(), time);
                roles.put(info.getThreadId(), role(info.getThreadName()));
            }
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new CpuProfile(cpu, roles, os.getProcessCpuTime());
    }

    /** CPU nanoseconds per role since {@code earlier}, and the process total under "total". */
    public Map<String, Long> since(CpuProfile earlier) {
        Map<String, Long> byRole = new LinkedHashMap<>();
        cpuByThread.forEach((id, time) -> byRole.merge(roleByThread.get(id), time - earlier.cpuByThread.getOrDefault(id, 0L),
                Long::sum));
        long attributed = byRole.values().stream().mapToLong(Long::longValue).sum();
        long total = processCpuNanos - earlier.processCpuNanos;
        byRole.merge("JIT, GC and threads that ended", Math.max(0, total - attributed), Long::sum);
        Map<String, Long> sorted = new LinkedHashMap<>();
        byRole.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.put("total", total);
        return sorted;
    }

    private static String role(String threadName) {
        for (Map.Entry<String, String> role : ROLES) {
            if (threadName.startsWith(role.getKey())) {
                return role.getValue();
            }
        }
        return "other: " + threadName.replaceAll("[-#]?\\d+$", "");
    }
}
