package dev.parley.infra;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a synthesis on a thread with a deep stack. {@link ParleyStack} computes logical ids in Java
 * (a callback from the CDK's Node process for every id the template references), and the jsii
 * runtime nests each callback of one synthesis a few frames deeper than the last: thousands of them
 * overflow a default 1 MB thread stack. The stack is reserved, not committed, so this costs only
 * address space.
 */
final class Synthesis {
    private static final long STACK_BYTES = 1L << 30;

    private Synthesis() {}

    static <T> T call(java.util.function.Supplier<T> synthesis) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(synthesis.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "cdk-synth", STACK_BYTES);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while synthesizing", e);
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    static void run(Runnable synthesis) {
        call(() -> {
            synthesis.run();
            return null;
        });
    }
}
