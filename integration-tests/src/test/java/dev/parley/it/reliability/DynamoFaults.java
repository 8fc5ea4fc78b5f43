package dev.parley.it.reliability;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;

/**
 * Faults on the functions' own DynamoDB client (the real AWS SDK client, through
 * {@code LocalRuntime.Options.Builder.dynamoInterceptor}). Nothing is mocked: an injected fault is an
 * exception the SDK raises where DynamoDB's answer would be, and the SDK's own retry policy, the
 * functions' error handling and the stream mapping's retries decide what happens next.
 *
 * <ul>
 *   <li>{@link #throttleOneAttemptIn}: every n-th attempt is refused before it reaches DynamoDB
 *       with {@code ProvisionedThroughputExceededException} (or {@code ThrottlingException}),
 *       raised in {@code beforeTransmission}, i.e. inside the SDK's retry loop: the SDK backs off
 *       and tries again, exactly as against a throttling table.</li>
 *   <li>{@link #failEveryAttemptOf}: chosen calls fail with {@code InternalServerError} on every
 *       attempt, so the SDK gives up after its 9 attempts and the function sees the failure.</li>
 *   <li>{@link #failNextFanoutLookup}: the fan-out's next BatchGetItem of members' connections fails
 *       as it surfaces once the SDK gave up (raised in {@code beforeExecution}, no retry wait):
 *       the fan-out function then reports that record in {@code batchItemFailures}.</li>
 * </ul>
 */
final class DynamoFaults implements ExecutionInterceptor {
    /** The fan-out's lookups, recognized by this class on the calling stack. */
    static final String FANOUT_SERVICE = "dev.parley.functions.service.FanoutLookups";

    /**
     * Fan-out lookups that succeed after each injected failure: more than one retry of a batch
     * makes, so the retry after a failure goes through. (Failing the retries too would be an
     * outage, which the bounded retries turn into an on-failure destination entry by design.)
     */
    static final int LOOKUPS_BETWEEN_FAILURES = 2; // one BatchGetItem serves up to 100 members: a batch's retry is one lookup

    private static final ExecutionAttribute<Boolean> DOOMED = new ExecutionAttribute<>("parley.faults.doomed");
    private static final ExecutionAttribute<Integer> THROTTLED = new ExecutionAttribute<>("parley.faults.throttled");

    private final String connectionsTable;
    private volatile int throttleOneIn;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicInteger throttledAttempts = new AtomicInteger();
    private final AtomicInteger recoveredAfterThrottling = new AtomicInteger();
    private final AtomicInteger failedAfterThrottling = new AtomicInteger();

    private volatile Predicate<SdkRequest> doom = request -> false;
    private final AtomicInteger doomsLeft = new AtomicInteger();
    private final AtomicInteger doomed = new AtomicInteger();

    private final AtomicInteger fanoutLookupsArmed = new AtomicInteger();
    private final AtomicInteger fanoutLookupsFailed = new AtomicInteger();
    private final AtomicInteger fanoutLookupsSinceFailure = new AtomicInteger(LOOKUPS_BETWEEN_FAILURES);

    DynamoFaults(String connectionsTable) {
        this.connectionsTable = connectionsTable;
    }

    /** Refuse every n-th attempt of any call as throttled; 0 turns throttling off. */
    void throttleOneAttemptIn(int n) {
        this.throttleOneIn = n;
    }

    /** The next {@code executions} calls that match fail on every attempt. */
    void failEveryAttemptOf(Predicate<SdkRequest> matching, int executions) {
        this.doom = matching;
        doomsLeft.set(executions);
    }

    /**
     * The fan-out's next lookup of a member's connections fails. Arming again before that lookup
     * happened changes nothing: failures never pile up into a run of consecutive ones.
     */
    void failNextFanoutLookup() {
        fanoutLookupsArmed.set(1);
    }

    void reset() {
        throttleOneIn = 0;
        doomsLeft.set(0);
        fanoutLookupsArmed.set(0);
    }

    int throttledAttempts() {
        return throttledAttempts.get();
    }

    /** Calls that were throttled at least once and then succeeded on a later attempt of the SDK. */
    int recoveredAfterThrottling() {
        return recoveredAfterThrottling.get();
    }

    /** Calls whose every attempt the SDK spent on throttling (the function then saw the error). */
    int failedAfterThrottling() {
        return failedAfterThrottling.get();
    }

    int doomed() {
        return doomed.get();
    }

    int fanoutLookupsFailed() {
        return fanoutLookupsFailed.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof ListTablesRequest) {
            return; // bootstrap, not traffic
        }
        if (request instanceof BatchGetItemRequest batch && batch.requestItems().containsKey(connectionsTable)
                && calledByTheFanout()
                && fanoutLookupsSinceFailure.incrementAndGet() > LOOKUPS_BETWEEN_FAILURES
                && fanoutLookupsArmed.getAndSet(0) > 0) {
            fanoutLookupsSinceFailure.set(0);
            fanoutLookupsFailed.incrementAndGet();
            throw serverError("injected: fan-out connection lookup failed after the SDK's retries");
        }
        if (doomsLeft.get() > 0 && doom.test(request) && doomsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            doomed.incrementAndGet();
            attributes.putAttribute(DOOMED, true);
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof ListTablesRequest) {
            return;
        }
        if (Boolean.TRUE.equals(attributes.getAttribute(DOOMED))) {
            throw serverError("injected: internal server error on every attempt");
        }
        int n = throttleOneIn;
        if (n > 0 && attempts.incrementAndGet() % n == 0) {
            throttledAttempts.incrementAndGet();
            Integer before = attributes.getAttribute(THROTTLED);
            attributes.putAttribute(THROTTLED, before == null ? 1 : before + 1);
            throw throttled(throttledAttempts.get() % 2 == 0);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(THROTTLED) != null) {
            recoveredAfterThrottling.incrementAndGet();
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable error = context.exception();
        if (error instanceof ProvisionedThroughputExceededException || error instanceof ThrottlingException) {
            failedAfterThrottling.incrementAndGet();
        }
    }

    /**
     * Whether the fan-out made this call. It looks connections up on its own pool of threads,
     * which it shares with other pushers, so the caller is known by its code, not its thread.
     */
    private static boolean calledByTheFanout() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().equals(FANOUT_SERVICE)));
    }

    /** What DynamoDB answers when a table's or partition's throughput is exceeded (HTTP 400). */
    private static RuntimeException throttled(boolean provisioned) {
        String code = provisioned ? "ProvisionedThroughputExceededException" : "ThrottlingException";
        AwsErrorDetails details = AwsErrorDetails.builder().errorCode(code).serviceName("DynamoDb")
                .errorMessage("injected: rate of requests exceeds the allowed throughput")
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(400).build()).build();
        return provisioned
                ? ProvisionedThroughputExceededException.builder().statusCode(400).awsErrorDetails(details)
                        .message(details.errorMessage()).build()
                : ThrottlingException.builder().statusCode(400).awsErrorDetails(details)
                        .message(details.errorMessage()).build();
    }

    private static RuntimeException serverError(String message) {
        AwsErrorDetails details = AwsErrorDetails.builder().errorCode("InternalServerError").serviceName("DynamoDb")
                .errorMessage(message).sdkHttpResponse(SdkHttpResponse.builder().statusCode(500).build()).build();
        return InternalServerErrorException.builder().statusCode(500).awsErrorDetails(details).message(message).build();
    }
}
