package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.parley.client.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SequencerTest {
    private static final String C = "dm:alice:bob";
    private static final String D = "grp:team";

    /** What the application received, in order. */
    private final List<Message> app = new ArrayList<>();
    private long now = 1_000;

    private Sequencer resumed(Map<String, Long> cursors) {
        return new Sequencer(cursors, Duration.ofSeconds(1), Duration.ofSeconds(8), 50);
    }

    private static Message m(String conversationId, long seq) {
        return new Message(conversationId, seq, "alice", "c" + seq, JsonNodeFactory.instance.objectNode().put("text", "m" + seq), seq);
    }

    private static List<Message> ms(String conversationId, long... seqs) {
        return LongStream.of(seqs).mapToObj(seq -> m(conversationId, seq)).toList();
    }

    private Progress take(Progress progress) {
        app.addAll(progress.delivered());
        return progress;
    }

    private List<Long> seqsOf(String conversationId) {
        return app.stream().filter(m -> m.conversationId().equals(conversationId)).map(Message::seq).toList();
    }

    @Test
    void outOfOrderPushesAreHeldBackUntilTheMissingSeqArrives() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 3), now));
        take(sequencer.offer(m(C, 2), now));
        assertThat(app).isEmpty();
        Progress progress = take(sequencer.offer(m(C, 1), now));
        assertThat(seqsOf(C)).containsExactly(1L, 2L, 3L);
        assertThat(progress.from()).isZero();
        assertThat(progress.cursor()).isEqualTo(3);
    }

    @Test
    void duplicatesReachTheApplicationOnce() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 2), now));
        take(sequencer.offer(m(C, 2), now)); // duplicate while buffered
        take(sequencer.offer(m(C, 1), now));
        take(sequencer.offer(m(C, 1), now)); // duplicate after delivery
        take(sequencer.olderPage(C, null, ms(C, 1, 2), false, now)); // and again through a page
        assertThat(seqsOf(C)).containsExactly(1L, 2L);
    }

    @Test
    void gapFramesAreConsumedInOrder() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 3), now));
        take(sequencer.gap(C, 2, now));
        assertThat(app).isEmpty();
        take(sequencer.offer(m(C, 1), now));
        assertThat(seqsOf(C)).containsExactly(1L, 3L);
        assertThat(sequencer.cursor(C)).hasValue(3);

        Progress trailing = take(sequencer.gap(C, 4, now)); // a gap alone moves the cursor too
        assertThat(trailing.advanced()).isTrue();
        assertThat(trailing.delivered()).isEmpty();
        assertThat(sequencer.cursor(C)).hasValue(4);
    }

    @Test
    void seqsAPageLeavesOutBetweenItsMessagesAreDeclaredGaps() {
        Sequencer sequencer = resumed(Map.of(C, 2L));
        // The newest page reaches down to the cursor: 5 is absent between two of its messages.
        take(sequencer.olderPage(C, null, ms(C, 3, 4, 6), true, now));
        assertThat(seqsOf(C)).containsExactly(3L, 4L, 6L);
        assertThat(sequencer.cursor(C)).hasValue(6);
        assertThat(sequencer.dueForFetch(now + 60_000)).isEmpty();
    }

    @Test
    void aNewestPageAboveTheCursorIsHeldAndTheNextPageOverlapsItByItsLowestMessage() {
        Sequencer sequencer = resumed(Map.of(C, 2L));
        take(sequencer.olderPage(C, null, ms(C, 7, 9), true, now));
        assertThat(app).isEmpty();
        assertThat(sequencer.anchor(C)).isEqualTo(7); // ask for history before 8: up to and with 7
        take(sequencer.olderPage(C, 7L, ms(C, 4, 5, 7), true, now));
        assertThat(app).isEmpty();
        assertThat(sequencer.anchor(C)).isEqualTo(4);
        take(sequencer.olderPage(C, 4L, ms(C, 3, 4), true, now));
        assertThat(seqsOf(C)).containsExactly(3L, 4L, 5L, 7L, 9L); // 6 and 8 were gaps inside pages
        assertThat(sequencer.cursor(C)).hasValue(9);
        assertThat(sequencer.lacks(C)).isFalse();
    }

    @Test
    void aPageThatStopsShortOfItsAnchorDeclaresNothingAndTheConversationAsksAgainLater() {
        Sequencer sequencer = resumed(Map.of(C, 2L));
        take(sequencer.offer(m(C, 7), now));
        assertThat(sequencer.anchor(C)).isEqualTo(7);
        // Cut below a young hole at 6 (a send in flight): 6 must not be taken for a gap.
        take(sequencer.olderPage(C, 7L, ms(C, 3, 4, 5), true, now));
        assertThat(seqsOf(C)).containsExactly(3L, 4L, 5L);
        assertThat(sequencer.lacks(C)).isFalse(); // waits out the hole
        assertThat(sequencer.dueForFetch(now + 1_000)).containsExactly(C);
        take(sequencer.offer(m(C, 6), now + 1_100)); // the send finished after all
        assertThat(seqsOf(C)).containsExactly(3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void aPageWithNothingOlderDeclaresEverySeqBelowItAGapButStillDeliversAPushThere() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 3), now)); // a push the page contradicts: delivered rather than lost
        take(sequencer.olderPage(C, null, ms(C, 5, 6), false, now));
        assertThat(seqsOf(C)).containsExactly(3L, 5L, 6L);
        assertThat(sequencer.cursor(C)).hasValue(6);
        assertThat(sequencer.buffered(C)).isZero();
    }

    @Test
    void aPushThePageCallsAGapIsStillDeliveredRatherThanLost() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 2), now));
        take(sequencer.olderPage(C, null, ms(C, 1, 3), false, now)); // contradicts the push of 2
        assertThat(seqsOf(C)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aNewDeviceStartsEachConversationAtItsNewestPage() {
        Sequencer sequencer = resumed(Map.of());
        assertThat(sequencer.initialized()).isFalse();
        take(sequencer.offer(m(C, 42), now)); // pushed before the first sync answered: held
        take(sequencer.listed(C, 42, now));
        assertThat(app).isEmpty();
        assertThat(sequencer.lacks(C)).isTrue();
        take(sequencer.olderPage(C, null, ms(C, 38, 39, 41), true, now)); // 40 is a gap inside the page
        assertThat(seqsOf(C)).containsExactly(38L, 39L, 41L, 42L);
        assertThat(sequencer.cursor(C)).hasValue(42);
    }

    @Test
    void aConversationOnlyPushedDuringTheFirstSyncStartsAtSeqZero() {
        Sequencer sequencer = resumed(Map.of());
        take(sequencer.offer(m(D, 2), now));
        take(sequencer.offer(m(D, 1), now));
        take(sequencer.listed(C, 1, now));
        take(sequencer.olderPage(C, null, ms(C, 1), false, now));
        sequencer.initialSyncDone(now).forEach(this::take);
        assertThat(seqsOf(D)).containsExactly(1L, 2L);
        assertThat(sequencer.initialized()).isTrue();
        // From now on a conversation seen for the first time starts at 0 as well.
        take(sequencer.offer(m("grp:new", 2), now));
        assertThat(seqsOf("grp:new")).isEmpty();
        assertThat(sequencer.cursor("grp:new")).hasValue(0);
    }

    @Test
    void aConversationListedAfterTheFirstSyncGetsItsWholeTimelinePageByPage() {
        Sequencer sequencer = resumed(Map.of(C, 4L));
        Progress started = take(sequencer.listed(D, 5, now));
        assertThat(started.advanced()).isTrue(); // cursor 0: saved
        assertThat(sequencer.lacks(D)).isTrue();
        assertThat(sequencer.anchor(D)).isNull(); // the newest page first
        take(sequencer.olderPage(D, null, ms(D, 4, 5), true, now));
        take(sequencer.olderPage(D, 4L, ms(D, 1, 2, 4), false, now));
        assertThat(seqsOf(D)).containsExactly(1L, 2L, 4L, 5L);
    }

    @Test
    void aListedLastSeqThatTheNewestPageDoesNotReachIsNotAskedForTwice() {
        Sequencer sequencer = resumed(Map.of(C, 4L));
        take(sequencer.listed(C, 6, now));
        assertThat(sequencer.lacks(C)).isTrue();
        take(sequencer.olderPage(C, null, ms(C, 3, 4), true, now)); // 5 and 6: gaps or sends in flight
        sequencer.fetched(C, 6);
        assertThat(sequencer.lacks(C)).isFalse();
        take(sequencer.listed(C, 6, now)); // listed again within the server's horizon
        assertThat(sequencer.lacks(C)).isFalse();
        take(sequencer.listed(C, 7, now));
        assertThat(sequencer.lacks(C)).isTrue();
    }

    @Test
    void aConversationWithoutMessagesOnTheNewestPageStartsAtZeroAndThatIsProgressToSave() {
        Sequencer sequencer = resumed(Map.of());
        take(sequencer.listed(C, 0, now));
        Progress progress = take(sequencer.olderPage(C, null, List.of(), false, now));
        // Saved, so that a restart resumes from 0 instead of taking itself for a new device.
        assertThat(progress.advanced()).isTrue();
        assertThat(progress.cursor()).isZero();
        assertThat(sequencer.cursor(C)).hasValue(0);
    }

    @Test
    void aMissingSeqAsksForAFetchAfterTheGapWaitThenWaitsLongerEachTime() {
        Sequencer sequencer = resumed(Map.of(C, 0L, D, 0L));
        take(sequencer.offer(m(C, 2), now));
        assertThat(sequencer.dueForFetch(now + 999)).isEmpty();
        assertThat(sequencer.dueForFetch(now + 1_000)).containsExactly(C);

        sequencer.fetchStarted(C, now + 1_000);
        assertThat(sequencer.dueForFetch(now + 2_999)).isEmpty(); // 2 s after the first fetch
        assertThat(sequencer.dueForFetch(now + 3_000)).containsExactly(C);
        sequencer.fetchStarted(C, now + 3_000);
        assertThat(sequencer.dueForFetch(now + 6_999)).isEmpty(); // then 4 s
        assertThat(sequencer.dueForFetch(now + 7_000)).containsExactly(C);

        take(sequencer.gap(C, 1, now + 7_500)); // filled: nothing more to ask
        assertThat(seqsOf(C)).containsExactly(2L);
        assertThat(sequencer.dueForFetch(now + 100_000)).isEmpty();
    }

    @Test
    void aBufferGrownPastItsLimitAsksForAFetchAtOnce() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        for (long seq = 2; seq <= 52; seq++) {
            take(sequencer.offer(m(C, seq), now));
        }
        assertThat(sequencer.dueForFetch(now)).containsExactly(C);
    }

    @Test
    void aStalledConversationIsAskedAgainOnTheGapTimerUntilItMoves() {
        Sequencer sequencer = resumed(Map.of(C, 5L));
        sequencer.stalled(C, now); // a page could not pass a send in flight
        assertThat(sequencer.dueForFetch(now + 1_000)).containsExactly(C);
        sequencer.fetchStarted(C, now + 1_000);
        take(sequencer.olderPage(C, null, ms(C, 6), true, now + 1_100));
        assertThat(sequencer.dueForFetch(now + 60_000)).isEmpty();
    }

    @Test
    void anExcludedConversationIsNotFetchedButKeepsItsPlace() {
        Sequencer sequencer = resumed(Map.of(C, 7L, D, 3L));
        take(sequencer.offer(m(D, 5), now));
        sequencer.exclude(D);
        assertThat(sequencer.lacks(D)).isFalse();
        assertThat(sequencer.dueForFetch(now + 60_000)).isEmpty();
        // Added back later: what was delivered before is not delivered again.
        take(sequencer.listed(D, 4, now));
        take(sequencer.olderPage(D, null, ms(D, 1, 2, 3, 4), false, now));
        assertThat(seqsOf(D)).containsExactly(4L);
        assertThat(sequencer.cursor(D)).hasValue(4);
    }

    @Test
    void randomOrderAndDuplicatesOfAnyMixStillGiveEachSeqOnceInOrder() {
        java.util.Random random = new java.util.Random(11);
        Sequencer sequencer = resumed(Map.of(C, 0L));
        List<Runnable> inputs = new ArrayList<>();
        for (long seq = 1; seq <= 300; seq++) {
            long s = seq;
            boolean gap = seq % 17 == 0;
            int copies = 1 + random.nextInt(3);
            for (int i = 0; i < copies; i++) {
                inputs.add(gap ? () -> take(sequencer.gap(C, s, now)) : () -> take(sequencer.offer(m(C, s), now)));
            }
        }
        java.util.Collections.shuffle(inputs, random);
        inputs.forEach(Runnable::run);
        assertThat(seqsOf(C)).isEqualTo(LongStream.rangeClosed(1, 300).filter(s -> s % 17 != 0).boxed().toList());
        assertThat(sequencer.cursor(C)).hasValue(300);
    }
}
