package dev.parley.functions.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** The token bucket on DynamoDB Local, with a clock the test moves. */
class DynamoRateLimiterTest {
    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
    };
    private final String user = "u-" + UUID.randomUUID();
    private final DynamoRateLimiter limiter = new DynamoRateLimiter(TestDynamo.client(),
            TestDynamo.table(Setting.RATE_LIMITS_TABLE), "send", clock, 20, 50);

    @Test
    void aBurstIsAdmittedThenTheSustainedRateWithAnHonestRetryAfter() {
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.acquire(user)).as("request %d", i + 1).isZero();
        }
        long retryAfter = limiter.acquire(user);
        assertThat(retryAfter).isEqualTo(50); // one interval at 20 per second
        millis.addAndGet(retryAfter - 1);
        assertThat(limiter.acquire(user)).isEqualTo(1);
        millis.addAndGet(1);
        assertThat(limiter.acquire(user)).isZero();
        assertThat(limiter.acquire(user)).isEqualTo(50);
    }

    @Test
    void anIdleBucketRefillsToTheBurstAndNoFurther() {
        for (int i = 0; i < 50; i++) {
            limiter.acquire(user);
        }
        millis.addAndGet(3_600_000);
        long admitted = IntStream.range(0, 80).filter(i -> limiter.acquire(user) == 0).count();
        assertThat(admitted).isEqualTo(50);
    }

    @Test
    void concurrentRequestsNeverTakeMoreThanTheBurst() {
        var pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Long>> attempts = IntStream.range(0, 120)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> limiter.acquire(user), pool)).toList();
            long admitted = attempts.stream().map(CompletableFuture::join).filter(wait -> wait == 0).count();
            assertThat(admitted).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeasingLimiterAdmitsTheSameBurstAndRetryAfter() {
        DynamoRateLimiter leasing = limiter.leasing(25);
        for (int i = 0; i < 50; i++) {
            assertThat(leasing.acquire(user)).as("request %d", i + 1).isZero();
        }
        assertThat(leasing.acquire(user)).isEqualTo(50);
        millis.addAndGet(50);
        assertThat(leasing.acquire(user)).isZero();
        assertThat(leasing.acquire(user)).isEqualTo(50);
    }

    @Test
    void leasedTokensAreTakenWithoutADynamoDbCallWhileTheUserIsWellUnderBudget() {
        AtomicLong calls = new AtomicLong();
        DynamoRateLimiter counted = new DynamoRateLimiter(TestDynamo.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.incrementAndGet();
            }
        }), TestDynamo.table(Setting.RATE_LIMITS_TABLE), "send", clock, 20, 50).leasing(25);
        // One request every 200 ms (4 intervals): a lease of 25 tokens covers 24 intervals, 7 requests.
        for (int i = 0; i < 14; i++) {
            assertThat(counted.acquire(user)).isZero();
            millis.addAndGet(200);
        }
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aHeldTokenAdmitsWithoutACallOnlyWhileALeaseHasOneLeft() {
        DynamoRateLimiter leasing = limiter.leasing(25);
        assertThat(leasing.acquireHeld(user)).as("nothing leased yet").isFalse();
        assertThat(limiter.acquireHeld(user)).as("a limiter that does not lease holds nothing").isFalse();
        assertThat(leasing.acquire(user)).isZero(); // the lease: 24 tokens held, one every 50 ms
        for (int i = 0; i < 24; i++) {
            assertThat(leasing.acquireHeld(user)).as("held token %d", i + 1).isTrue();
        }
        assertThat(leasing.acquireHeld(user)).as("the lease is spent").isFalse();
        // The held tokens were the bucket's: a write now finds the burst's other half and no more.
        for (int i = 0; i < 25; i++) {
            assertThat(leasing.acquire(user)).as("request %d", i + 1).isZero();
        }
        assertThat(leasing.acquire(user)).isPositive();
    }

    @Test
    void aLeasedTokenThatFellDueIsGone() {
        DynamoRateLimiter leasing = limiter.leasing(25);
        assertThat(leasing.acquire(user)).isZero();
        millis.addAndGet(25 * 50); // every leased token is due: the bucket is full again
        for (int i = 0; i < 50; i++) {
            assertThat(leasing.acquire(user)).as("request %d", i + 1).isZero();
        }
        assertThat(leasing.acquire(user)).isPositive();
    }

    @Test
    void instancesThatLeaseNeverAdmitMoreThanTheBurstTogether() {
        List<DynamoRateLimiter> instances = IntStream.range(0, 4).mapToObj(i -> limiter.leasing(25)).toList();
        var pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Long>> attempts = IntStream.range(0, 160)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> instances.get(i % 4).acquire(user), pool)).toList();
            long admitted = attempts.stream().map(CompletableFuture::join).filter(wait -> wait == 0).count();
            assertThat(admitted).isLessThanOrEqualTo(50).isGreaterThanOrEqualTo(26);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void overAWindowLeasesAdmitNoMoreThanTheBurstPlusTheRate() {
        // Two instances, requests every 10 ms for 2 s: at most 50 + 2 s * 20/s = 90 admitted.
        DynamoRateLimiter first = limiter.leasing(25);
        DynamoRateLimiter second = limiter.leasing(25);
        long admitted = 0;
        for (int i = 0; i < 200; i++) {
            if ((i % 2 == 0 ? first : second).acquire(user) == 0) {
                admitted++;
            }
            millis.addAndGet(10);
        }
        assertThat(admitted).isLessThanOrEqualTo(90);
    }
}
