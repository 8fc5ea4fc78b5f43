package dev.parley.bench.live;

import dev.parley.bench.support.CpuProfile;
import dev.parley.local.functions.InvocationCpu;
import java.util.Map;

/**
 * The functions' own CPU between two samples: the thread CPU time of their invocations on the local
 * runtime ({@link InvocationCpu}) plus the threads the invocations hand work to (the send's checks
 * beside its read, {@code parley-send-check}, counted with the invocations; the fan-out's posting
 * pool, {@code parley-post}), so that DynamoDB Local, the gateway, the stream poller and the load
 * generator are left out.
 */
final class FunctionCpu {
    private static final String POSTING_ROLE = "fan-out @connections posts";
    private static final String SEND_CHECKS_ROLE = "send checks beside the send's read";

    private FunctionCpu() {}

    record Sample(long invocationNanos, long invocations, CpuProfile threads) {
        static Sample now() {
            return new Sample(InvocationCpu.nanos(), InvocationCpu.invocations(), CpuProfile.snapshot());
        }

        /** The difference from this sample to {@code later}. */
        Spent until(Sample later) {
            Map<String, Long> byRole = later.threads.since(threads);
            long posting = byRole.getOrDefault(POSTING_ROLE, 0L);
            long sendChecks = byRole.getOrDefault(SEND_CHECKS_ROLE, 0L);
            return new Spent(later.invocationNanos - invocationNanos + sendChecks, posting,
                    later.invocations - invocations);
        }
    }

    record Spent(long invocationNanos, long postingNanos, long invocations) {
        long totalNanos() {
            return invocationNanos + postingNanos;
        }
    }
}
