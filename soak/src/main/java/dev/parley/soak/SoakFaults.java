package dev.parley.soak;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.parley.local.LocalRuntime;
import dev.parley.local.gateway.ConnectionsApi;
import dev.parley.local.streams.StreamPoller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * The faults of the soak run, injected into a running local runtime the way the reliability suites
 * inject theirs (integration-tests' {@code DynamoFaults}, {@code PostFaults}, {@code ConnectionDropper}),
 * here at random rates for a whole run. Nothing is mocked: each fault is what AWS would answer or do.
 *
 * <ul>
 *   <li>{@link Throttling}: one DynamoDB attempt in ten (of the functions' client) is refused with
 *       {@code ProvisionedThroughputExceededException} inside the SDK's retry loop, as a throttled
 *       table answers; the SDK backs off and tries again.</li>
 *   <li>{@link #statusFor}: {@code @connections} posts. 1 % of first posts of a frame to a connection
 *       answer 500 on more consecutive attempts than the SDK makes (the fan-out reports the record and
 *       the stream mapping retries it); 0.5 % find their connection gone: it is closed from the
 *       gateway side and the post answered 410.</li>
 *   <li>{@link #invoke}: two fan-out invocations in seven crash, one before the function ran and
 *       one after it posted everything (its pushes went out, its answer is lost): the mapping
 *       retries (bisecting). A fixed cycle rather than a rate: under throttling an invocation
 *       carries up to 100 records and takes seconds, so a run makes only dozens of them.</li>
 *   <li>{@link #startDropping}: every 0.5-1.5 s one live connection is closed from the gateway side.</li>
 * </ul>
 */
final class SoakFaults implements ConnectionsApi.PostFaults, StreamPoller.Invocations {
    static final double THROTTLED_ATTEMPTS = 0.10;
    static final double POSTS_FAILING = 0.01;
    static final double POSTS_GONE = 0.005;
    /** Of every seven fan-out invocations, the third crashes before the function ran, the sixth after. */
    static final int CRASH_CYCLE = 7;
    /** More than the SDK client's attempts per call, so the fan-out function sees the failure. */
    static final int ATTEMPTS_FAILED = 4;

    private final Random random;
    private volatile LocalRuntime runtime;
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();
    private final Set<Integer> postedBefore = ConcurrentHashMap.newKeySet();
    private final Set<String> liveConnections = ConcurrentHashMap.newKeySet();
    final AtomicLong throttled = new AtomicLong();
    final AtomicInteger posts500 = new AtomicInteger();
    final AtomicInteger posts410 = new AtomicInteger();
    final AtomicInteger crashedBefore = new AtomicInteger();
    final AtomicInteger crashedAfter = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger invocations = new AtomicInteger();
    final AtomicLong recordsInvoked = new AtomicLong();

    SoakFaults(long seed) {
        this.random = new Random(seed);
    }

    void attach(LocalRuntime runtime) {
        this.runtime = runtime;
        runtime.connectionsApi().setFaults(this);
        runtime.streamPoller().setInvocations(this);
    }

    ExecutionInterceptor throttling() {
        return new Throttling();
    }

    private synchronized double roll() {
        return random.nextDouble();
    }

    @Override
    public int statusFor(String connectionId, String frame) {
        liveConnections.add(connectionId);
        String key = connectionId + '\n' + frame;
        Integer failedSoFar = failing.get(key);
        if (failedSoFar != null) {
            if (failedSoFar < ATTEMPTS_FAILED) {
                failing.put(key, failedSoFar + 1);
                posts500.incrementAndGet();
                return 500;
            }
            failing.remove(key);
            return 0;
        }
        if (!postedBefore.add(key.hashCode())) {
            return 0; // a retry of this push: faults are transient
        }
        double roll = roll();
        if (roll < POSTS_FAILING) {
            failing.put(key, 1);
            posts500.incrementAndGet();
            return 500;
        }
        if (roll < POSTS_FAILING + POSTS_GONE) {
            liveConnections.remove(connectionId);
            runtime.gateway().disconnect(connectionId);
            posts410.incrementAndGet();
            return 410;
        }
        return 0;
    }

    @Override
    public StreamsEventResponse invoke(DynamodbEvent event, Function<DynamodbEvent, StreamsEventResponse> function) {
        int n = invocations.incrementAndGet();
        recordsInvoked.addAndGet(event.getRecords().size());
        if (n % CRASH_CYCLE == 3) {
            crashedBefore.incrementAndGet();
            throw new Error("soak: the fan-out invocation crashed before it ran");
        }
        StreamsEventResponse response = function.apply(event);
        if (n % CRASH_CYCLE == 6) {
            crashedAfter.incrementAndGet();
            throw new Error("soak: the fan-out invocation crashed after it posted");
        }
        return response;
    }

    /** Closes one live connection (one that received a push) every 200-600 ms, from the gateway side. */
    void startDropping() {
        Thread dropper = new Thread(() -> {
            Random choices = new Random(random.nextLong());
            while (true) {
                try {
                    Thread.sleep(500 + choices.nextInt(1_000));
                    List<String> live = new ArrayList<>(liveConnections);
                    if (live.isEmpty()) {
                        continue;
                    }
                    String victim = live.get(choices.nextInt(live.size()));
                    liveConnections.remove(victim);
                    if (runtime.gateway().disconnect(victim)) {
                        dropped.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    System.err.println("soak dropper: " + e);
                }
            }
        }, "soak-dropper");
        dropper.setDaemon(true);
        dropper.start();
    }

    String counters() {
        return "invocations=" + invocations.get() + " records=" + recordsInvoked.get() + " throttled=" + throttled.get()
                + " posts500=" + posts500.get() + " posts410=" + posts410.get()
                + " crashedBefore=" + crashedBefore.get() + " crashedAfter=" + crashedAfter.get()
                + " dropped=" + dropped.get()
                + " deadLetters=" + (runtime == null ? 0 : runtime.streamPoller().deadLetters().size());
    }

    /** 10 % of the functions' DynamoDB attempts refused as throttled, inside the SDK's retry loop. */
    private final class Throttling implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (runtime != null && roll() < THROTTLED_ATTEMPTS) {
                throttled.incrementAndGet();
                AwsErrorDetails details = AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                        .serviceName("DynamoDb").errorMessage("soak: rate of requests exceeds the allowed throughput")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(400).build()).build();
                throw ProvisionedThroughputExceededException.builder().statusCode(400).awsErrorDetails(details)
                        .message(details.errorMessage()).build();
            }
        }
    }
}
