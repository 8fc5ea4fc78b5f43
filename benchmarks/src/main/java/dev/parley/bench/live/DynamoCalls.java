package dev.parley.bench.live;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * How many DynamoDB calls the functions make and how long each takes, end to end through the SDK
 * (marshalling, HTTP to DynamoDB Local, the emulator's own work): the unit that most of the local
 * latency is made of.
 */
final class DynamoCalls implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("bench-started-nanos");

    private final LongAdder calls = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    private void record(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        if (started != null) {
            calls.increment();
            nanos.add(System.nanoTime() - started);
        }
    }

    long calls() {
        return calls.sum();
    }

    double meanMillis() {
        long count = calls.sum();
        return count == 0 ? Double.NaN : nanos.sum() / 1e6 / count;
    }

    void reset() {
        calls.reset();
        nanos.reset();
    }
}
