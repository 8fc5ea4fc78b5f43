package dev.parley.bench.live;

import dev.parley.bench.support.CpuProfile;
import dev.parley.local.functions.InvocationCpu;

/**
 * The functions' own CPU between two samples: the thread CPU time of their invocations on the local
 * runtime ({@link InvocationCpu}) plus the fan-out's posting pool ({@code parley-post} threads), so
 * that DynamoDB Local, the gateway, the stream poller and the load generator are left out.
 */
final class FunctionCpu {
    private static final String POSTING_ROLE = "fan-out @connections posts";

    private FunctionCpu() {}

    record Sample(long invocationNanos, long invocations, CpuProfile threads) {
        static Sample now() {
            return new Sample(InvocationCpu.nanos(), InvocationCpu.invocations(), CpuProfile.snapshot());
        }

        /** The difference from this sample to {@code later}. */
        Spent until(Sample later) {
            long posting = later.threads.since(threads).getOrDefault(POSTING_ROLE, 0L);
            return new Spent(later.invocationNanos - invocationNanos, posting, later.invocations - invocations);
        }
    }

    record Spent(long invocationNanos, long postingNanos, long invocations) {
        long totalNanos() {
            return invocationNanos + postingNanos;
        }
    }
}
