package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.parley.client.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        take(sequencer.page(C, 0L, ms(C, 1, 2), now)); // and again through a sync page
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
    void seqsASyncPageLeavesOutAreDeclaredGaps() {
        Sequencer sequencer = resumed(Map.of(C, 2L));
        // Asked from cursor 2: 3 and 5 are absent between the cursor and the last message.
        take(sequencer.page(C, 2L, ms(C, 4, 6), now));
        assertThat(seqsOf(C)).containsExactly(4L, 6L);
        assertThat(sequencer.cursor(C)).hasValue(6);
        assertThat(sequencer.dueForSync(now + 60_000)).isEmpty();
    }

    @Test
    void aForwardPageWithoutMoreCoversUpToLastSeqSoTrailingGapsAreConsumed() {
        Sequencer sequencer = resumed(Map.of(C, 2L));
        take(sequencer.offer(m(C, 6), now)); // pushed, then the page proves 5 and 7 hold nothing
        take(sequencer.page(C, 2L, ms(C, 3, 4), 7, now));
        assertThat(seqsOf(C)).containsExactly(3L, 4L, 6L);
        assertThat(sequencer.cursor(C)).hasValue(7);
        assertThat(sequencer.buffered(C)).isZero();
    }

    @Test
    void aPageConsumesBufferedPushesAndStopsAtItsLastMessage() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 5), now));
        take(sequencer.offer(m(C, 9), now));
        take(sequencer.page(C, 0L, ms(C, 1, 2, 5, 6), now)); // ends at 6: 7 and 8 are not declared
        assertThat(seqsOf(C)).containsExactly(1L, 2L, 5L, 6L);
        assertThat(sequencer.buffered(C)).isEqualTo(1); // 9 waits for 7 and 8
        take(sequencer.offer(m(C, 7), now));
        take(sequencer.gap(C, 8, now));
        assertThat(seqsOf(C)).containsExactly(1L, 2L, 5L, 6L, 7L, 9L);
    }

    @Test
    void aPushThePageCallsAGapIsStillDeliveredRatherThanLost() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 2), now));
        take(sequencer.page(C, 0L, ms(C, 1, 3), now)); // contradicts the push of 2
        assertThat(seqsOf(C)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aPageAskedFromAnOlderCursorOnlyAddsWhatIsNew() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        take(sequencer.offer(m(C, 1), now));
        take(sequencer.offer(m(C, 2), now));
        take(sequencer.page(C, 0L, ms(C, 1, 2, 3), now)); // the sync went out before 1 and 2 were pushed
        assertThat(seqsOf(C)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aNewDeviceStartsEachConversationAtItsNewestPage() {
        Sequencer sequencer = resumed(Map.of());
        assertThat(sequencer.initialized()).isFalse();
        take(sequencer.offer(m(C, 42), now)); // pushed before the first sync answered: held
        assertThat(app).isEmpty();
        take(sequencer.page(C, null, ms(C, 38, 39, 41), now)); // 40 is a gap inside the page
        assertThat(seqsOf(C)).containsExactly(38L, 39L, 41L, 42L);
        assertThat(sequencer.cursor(C)).hasValue(42);
    }

    @Test
    void aConversationOnlyPushedDuringTheFirstSyncStartsAtSeqOne() {
        Sequencer sequencer = resumed(Map.of());
        take(sequencer.offer(m(D, 2), now));
        take(sequencer.offer(m(D, 1), now));
        take(sequencer.page(C, null, ms(C, 1), now));
        sequencer.initialSyncDone(now).forEach(this::take);
        assertThat(seqsOf(D)).containsExactly(1L, 2L);
        assertThat(sequencer.initialized()).isTrue();
        // From now on a conversation seen for the first time starts at 1 as well.
        take(sequencer.offer(m("grp:new", 2), now));
        assertThat(seqsOf("grp:new")).isEmpty();
        assertThat(sequencer.cursor("grp:new")).hasValue(0);
    }

    @Test
    void aConversationWithoutMessagesOnTheNewestPageStartsAtZeroAndThatIsProgressToSave() {
        Sequencer sequencer = resumed(Map.of());
        Progress progress = take(sequencer.page(C, null, List.of(), now));
        // Saved, so that a restart resumes from 0 instead of taking itself for a new device.
        assertThat(progress.advanced()).isTrue();
        assertThat(progress.cursor()).isZero();
        assertThat(sequencer.cursor(C)).hasValue(0);
        assertThat(sequencer.syncCursors()).containsEntry(C, 0L);
    }

    @Test
    void aMissingSeqAsksForASyncAfterTheGapWaitThenWaitsLongerEachTime() {
        Sequencer sequencer = resumed(Map.of(C, 0L, D, 0L));
        take(sequencer.offer(m(C, 2), now));
        assertThat(sequencer.dueForSync(now + 999)).isEmpty();
        assertThat(sequencer.dueForSync(now + 1_000)).containsExactly(C);

        sequencer.syncStarted(Set.of(C), now + 1_000);
        assertThat(sequencer.dueForSync(now + 2_999)).isEmpty(); // 2 s after the first sync
        assertThat(sequencer.dueForSync(now + 3_000)).containsExactly(C);
        sequencer.syncStarted(Set.of(C), now + 3_000);
        assertThat(sequencer.dueForSync(now + 6_999)).isEmpty(); // then 4 s
        assertThat(sequencer.dueForSync(now + 7_000)).containsExactly(C);

        take(sequencer.gap(C, 1, now + 7_500)); // filled: nothing more to ask
        assertThat(seqsOf(C)).containsExactly(2L);
        assertThat(sequencer.dueForSync(now + 100_000)).isEmpty();
    }

    @Test
    void aBufferGrownPastItsLimitAsksForASyncAtOnce() {
        Sequencer sequencer = resumed(Map.of(C, 0L));
        for (long seq = 2; seq <= 52; seq++) {
            take(sequencer.offer(m(C, seq), now));
        }
        assertThat(sequencer.dueForSync(now)).containsExactly(C);
    }

    @Test
    void aStalledConversationIsAskedAgainOnTheGapTimerUntilItMoves() {
        Sequencer sequencer = resumed(Map.of(C, 5L));
        sequencer.stalled(C, now); // hasMore, but the page could not pass a send in flight
        assertThat(sequencer.dueForSync(now + 1_000)).containsExactly(C);
        sequencer.syncStarted(Set.of(C), now + 1_000);
        take(sequencer.page(C, 5L, ms(C, 6), now + 1_100));
        assertThat(sequencer.dueForSync(now + 60_000)).isEmpty();
    }

    @Test
    void anExcludedConversationLeavesTheCursorsButKeepsItsPlace() {
        Sequencer sequencer = resumed(Map.of(C, 7L, D, 3L));
        sequencer.exclude(D);
        assertThat(sequencer.syncCursors()).isEqualTo(Map.of(C, 7L));
        // Added back later: what was delivered before is not delivered again.
        take(sequencer.page(D, 0L, ms(D, 1, 2, 3, 4), now));
        assertThat(seqsOf(D)).containsExactly(4L);
        assertThat(sequencer.syncCursors()).containsEntry(D, 4L);
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
