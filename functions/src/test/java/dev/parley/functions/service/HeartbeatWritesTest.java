package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.ratelimit.LocalRateLimiter;
import dev.parley.functions.store.Connection;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import dev.parley.model.errors.RateLimitedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A heartbeat writes {@code lastActiveAt} only when the stored one may be older than {@code touchEvery}. */
class HeartbeatWritesTest {
    private static final long CONNECTED_AT = 1_800_000_000_000L;
    private final AtomicLong millis = new AtomicLong(CONNECTED_AT);
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
    };
    private final AtomicInteger sharedBudgetSpent = new AtomicInteger();
    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final ConnectionService connections = new ConnectionService(store, null, clock, 7_800,
            new ConnectionService.Limits(10, Duration.ofSeconds(90),
                    new Budget("heartbeat", user -> {
                        sharedBudgetSpent.incrementAndGet();
                        return 0;
                    }),
                    new Budget("heartbeat", new LocalRateLimiter(clock, 2, 20)), Duration.ofSeconds(55)));
    private final Caller phone = new Caller("alice", "phone", "conn-1");

    private long lastActiveAt() {
        return store.forUser("alice").stream().mapToLong(Connection::lastActiveAt).max().orElse(0);
    }

    @Test
    void aConnectionHeartbeatingEvery30sIsWrittenEveryOtherHeartbeatAndNeverLooksStale() {
        store.save(new Connection("alice", "conn-1", "phone", CONNECTED_AT, CONNECTED_AT), 7_800);
        for (int beat = 1; beat <= 10; beat++) {
            millis.set(CONNECTED_AT + beat * 30_000L);
            connections.heartbeat(phone, CONNECTED_AT);
            assertThat(millis.get() - lastActiveAt()).as("heartbeat %d", beat).isLessThan(90_000);
        }
        assertThat(sharedBudgetSpent.get()).isEqualTo(5); // at 60, 120, 180, 240 and 300 s
        assertThat(lastActiveAt()).isEqualTo(CONNECTED_AT + 300_000);
    }

    @Test
    void withoutAConnectTimeTheFirstHeartbeatOfAnInstanceWrites() {
        millis.addAndGet(10_000);
        connections.heartbeat(phone, 0);
        assertThat(lastActiveAt()).isEqualTo(CONNECTED_AT + 10_000);
        millis.addAndGet(30_000);
        connections.heartbeat(phone, 0);
        assertThat(lastActiveAt()).isEqualTo(CONNECTED_AT + 10_000);
        assertThat(sharedBudgetSpent.get()).isEqualTo(1);
    }

    @Test
    void heartbeatsThatWriteNothingStillSpendTheInstancesBudget() {
        for (int i = 0; i < 20; i++) {
            connections.heartbeat(phone, CONNECTED_AT);
        }
        assertThatThrownBy(() -> connections.heartbeat(phone, CONNECTED_AT)).isInstanceOf(RateLimitedException.class);
        assertThat(sharedBudgetSpent.get()).isZero();
    }
}
