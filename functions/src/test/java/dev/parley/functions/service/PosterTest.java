package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.push.PushThrottledException;
import dev.parley.functions.store.Connection;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The two posting policies, and the removal of gone connections. */
class PosterTest {
    private final InMemoryConnectionStore connections = new InMemoryConnectionStore();
    private final Connection bob = new Connection("bob", "b-1", "phone", 1, 1);

    PosterTest() {
        connections.save(bob, 60);
    }

    private Poster poster(ConnectionPusher pusher) {
        return new Poster(connections, () -> pusher);
    }

    @Test
    void aGoneConnectionIsRemovedUnderEitherPolicy() {
        for (Poster.Policy policy : Poster.Policy.values()) {
            connections.save(bob, 60);
            assertThat(poster((id, frame) -> ConnectionPusher.Outcome.GONE).post(bob, "f", policy).result())
                    .isEqualTo(Poster.Result.GONE);
            assertThat(connections.forUser("bob")).isEmpty();
        }
    }

    @Test
    void theRetryPolicyRetriesThrottledPostsThenSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        Poster.Outcome outcome = poster((id, frame) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new PushThrottledException(new RuntimeException("429"));
            }
            return ConnectionPusher.Outcome.DELIVERED;
        }).post(bob, "f", Poster.Policy.RETRY);
        assertThat(outcome).isEqualTo(new Poster.Outcome(Poster.Result.DELIVERED, 2));
    }

    @Test
    void theRetryPolicyThrowsWhatItCannotDeliverAndBestEffortReportsIt() {
        ConnectionPusher broken = (id, frame) -> {
            throw new IllegalStateException("500");
        };
        assertThatThrownBy(() -> poster(broken).post(bob, "f", Poster.Policy.RETRY))
                .isInstanceOf(Poster.PostFailedException.class);
        assertThat(poster(broken).post(bob, "f", Poster.Policy.BEST_EFFORT).result()).isEqualTo(Poster.Result.FAILED);
        AtomicInteger attempts = new AtomicInteger();
        assertThat(poster((id, frame) -> {
            attempts.incrementAndGet();
            throw new PushThrottledException(new RuntimeException("429"));
        }).post(bob, "f", Poster.Policy.BEST_EFFORT)).isEqualTo(new Poster.Outcome(Poster.Result.FAILED, 1));
        assertThat(attempts).hasValue(1);
        assertThat(connections.forUser("bob")).containsExactly(bob);
    }
}
