package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void ceilingsDoubleFromTheBaseUpToTheCap() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        List<Long> ceilings = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            ceilings.add(backoff.ceiling(attempt).toMillis());
        }
        assertThat(ceilings).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
        assertThat(backoff.ceiling(10_000)).isEqualTo(Duration.ofSeconds(30)); // no overflow on long outages
    }

    @Test
    void eachDelayIsFullJitterWithinItsCeiling() {
        Backoff.Sequence sequence = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .withRandom(new SplittableRandom(7)).start(clock);
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        for (int attempt = 0; attempt < 50; attempt++) {
            assertThat(sequence.next()).isBetween(Duration.ZERO, backoff.ceiling(attempt));
        }
    }

    @Test
    void aSeededRandomGivesTheSameSequence() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        Backoff.Sequence first = backoff.withRandom(new Random(42)).start(clock);
        Backoff.Sequence second = backoff.withRandom(new Random(42)).start(clock);
        for (int i = 0; i < 10; i++) {
            assertThat(first.next()).isEqualTo(second.next());
        }
    }

    @Test
    void fullJitterSpreadsOverTheWholeWindowNotAroundTheExponentialValue() {
        // Many clients dropped together, each on its own random stream: their delays before the
        // 4th attempt (ceiling 8 s) must cover the window evenly, including its low end; a
        // "base * 2^n + small jitter" scheme would put them all near 8 s at once.
        SplittableRandom seeds = new SplittableRandom(1);
        int[] histogram = new int[8];
        for (int client = 0; client < 4_000; client++) {
            Backoff.Sequence sequence = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30))
                    .withRandom(seeds.split()).start(clock);
            sequence.next();
            sequence.next();
            sequence.next();
            long delay = sequence.next().toMillis();
            histogram[(int) Math.min(7, delay / 1_000)]++;
        }
        for (int bucket : histogram) {
            assertThat(bucket).isBetween(400, 600); // 500 expected in each 1 s slice
        }
    }

    @Test
    void theAttemptCountResetsOnlyAfterAStableConnection() {
        Backoff.Sequence sequence = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .withStableAfter(Duration.ofSeconds(10)).withRandom(new Random(3)).start(clock);
        sequence.next();
        sequence.next();
        sequence.next();
        assertThat(sequence.attempt()).isEqualTo(3);

        // Accepted, then dropped after 2 s: not stable, keep backing off.
        sequence.connected();
        clock.advance(Duration.ofSeconds(2));
        sequence.next();
        assertThat(sequence.attempt()).isEqualTo(4);

        // Open for 10 s: the next outage starts over at the base.
        sequence.connected();
        clock.advance(Duration.ofSeconds(10));
        assertThat(sequence.next()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(sequence.attempt()).isEqualTo(1);
    }

    @Test
    void theCapHoldsForeverWithoutTheCounterGrowing() {
        Backoff.Sequence sequence = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(800))
                .withRandom(new Random(9)).start(clock);
        for (int i = 0; i < 1_000; i++) {
            assertThat(sequence.next()).isLessThanOrEqualTo(Duration.ofMillis(800));
        }
        assertThat(sequence.attempt()).isEqualTo(3); // 100, 200, 400, then 800 for good
    }

    @Test
    void aBaseAboveTheCapIsRefused() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
