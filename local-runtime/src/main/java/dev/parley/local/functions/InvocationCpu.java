package dev.parley.local.functions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The CPU time the functions spend in their invocations on this runtime: the thread CPU time of
 * every {@code handleRequest} call, summed. It includes what the handler does on its own thread
 * (JSON, the SDK's request signing and HTTP client) and excludes DynamoDB Local, the gateway and
 * the stream poller, which run on other threads. Work a handler hands to its own pool (the fan-out's
 * posting threads) is not in it; the benchmarks add those threads by name. For the benchmarks'
 * {@code cpu_ms_per_msg_functions}; reading a thread's CPU clock costs about a microsecond.
 */
public final class InvocationCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final LongAdder NANOS = new LongAdder();
    private static final LongAdder INVOCATIONS = new LongAdder();

    private InvocationCpu() {}

    /** CPU nanoseconds spent in invocations since the runtime's classes were loaded. */
    public static long nanos() {
        return NANOS.sum();
    }

    public static long invocations() {
        return INVOCATIONS.sum();
    }

    static <T> T measure(Supplier<T> invocation) {
        long started = THREADS.getCurrentThreadCpuTime();
        try {
            return invocation.get();
        } finally {
            NANOS.add(Math.max(0, THREADS.getCurrentThreadCpuTime() - started));
            INVOCATIONS.increment();
        }
    }
}
