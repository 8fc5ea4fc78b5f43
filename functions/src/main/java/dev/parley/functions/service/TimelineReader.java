package dev.parley.functions.service;

import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads pages of a conversation's timeline for sync and history, with the guarantee that makes
 * gaps unambiguous to clients: a page never spans a hole (a seq drawn but neither stored nor
 * declared a gap). A hole older than {@link #HOLE_TIMEOUT} belongs to a send that can no longer
 * finish; the reader declares it a gap with the same write-once condition a send uses, so the
 * two cannot both win. A younger hole may still be filled: forward pages stop before it and
 * backward pages start below it. Hence, in a page, every absent seq between the cursor and the
 * last message is a declared gap.
 *
 * <p>A hole's age is bounded by any message above it (drawn later) and by {@code lastSeqAt},
 * when the conversation's newest seq was drawn.
 */
public final class TimelineReader {
    /** Longer than any send can take (the send function's timeout is 10 s). */
    public static final Duration HOLE_TIMEOUT = Duration.ofSeconds(30);
    /** Gap writes per read at most, so one read of a long-crashed range stays bounded. */
    private static final int MAX_GAPS_PER_READ = 200;

    /**
     * @param hasMore      forward: seqs after the page remain (sync again); backward: older messages exist
     * @param coveredUpTo  forward pages: every seq up to here is in the page or a declared gap
     */
    public record Page(List<Message> messages, boolean hasMore, long coveredUpTo) {}

    private final MessageStore messages;
    private final Clock clock;

    public TimelineReader(MessageStore messages, Clock clock) {
        this.messages = messages;
        this.clock = clock;
    }

    /** Messages after {@code afterSeq}, ascending, at most {@code limit}. */
    public Page after(Meta meta, long afterSeq, int limit) {
        String conversationId = meta.conversationId();
        long now = clock.millis();
        List<Message> page = new ArrayList<>();
        long expected = afterSeq + 1;
        int gapsDeclared = 0;
        walk:
        while (page.size() < limit && expected <= meta.lastSeq()) {
            List<TimelineEntry> chunk = messages.range(conversationId, expected, meta.lastSeq(),
                    limit - page.size(), true);
            if (chunk.isEmpty()) {
                // Only holes remain, up to lastSeq: all drawn no later than lastSeqAt.
                while (expected <= meta.lastSeq() && isOld(meta.lastSeqAt(), now) && gapsDeclared < MAX_GAPS_PER_READ) {
                    if (!declareGap(conversationId, expected)) {
                        break walk;
                    }
                    gapsDeclared++;
                    expected++;
                }
                break;
            }
            for (TimelineEntry entry : chunk) {
                long bound = entry instanceof Message message ? Math.min(message.sentAt(), meta.lastSeqAt()) : meta.lastSeqAt();
                while (expected < entry.seq()) {
                    if (!isOld(bound, now) || gapsDeclared >= MAX_GAPS_PER_READ || !declareGap(conversationId, expected)) {
                        break walk;
                    }
                    gapsDeclared++;
                    expected++;
                }
                if (entry instanceof Message message) {
                    if (page.size() == limit) {
                        break walk;
                    }
                    page.add(message);
                }
                expected = entry.seq() + 1;
            }
        }
        return new Page(page, expected <= meta.lastSeq(), expected - 1);
    }

    /**
     * Messages before {@code beforeSeq} (exclusive; null: from the newest) and above
     * {@code floorSeq}, at most {@code limit}, returned ascending.
     */
    public Page before(Meta meta, Long beforeSeq, long floorSeq, int limit) {
        String conversationId = meta.conversationId();
        long now = clock.millis();
        List<Message> page = new ArrayList<>();
        long expected = beforeSeq == null ? meta.lastSeq() : Math.min(beforeSeq - 1, meta.lastSeq());
        long aboveBound = meta.lastSeqAt();
        int gapsDeclared = 0;
        walk:
        while (page.size() < limit && expected > floorSeq) {
            List<TimelineEntry> chunk = messages.range(conversationId, floorSeq + 1, expected, limit - page.size(), false);
            List<TimelineEntry> withFloor = new ArrayList<>(chunk);
            if (chunk.size() < limit - page.size()) {
                withFloor.add(null); // nothing further down: the walk may run to the floor
            }
            for (TimelineEntry entry : withFloor) {
                long next = entry == null ? floorSeq : entry.seq();
                while (expected > next) {
                    if (isOld(aboveBound, now) && gapsDeclared < MAX_GAPS_PER_READ) {
                        if (!declareGap(conversationId, expected)) {
                            break walk;
                        }
                        gapsDeclared++;
                    } else if (!isOld(aboveBound, now)) {
                        page.clear(); // those messages sit above a hole that may still fill
                    } else {
                        break walk;
                    }
                    expected--;
                }
                if (entry == null) {
                    break walk;
                }
                if (entry instanceof Message message) {
                    if (page.size() == limit) {
                        break walk;
                    }
                    page.add(message);
                    aboveBound = Math.min(aboveBound, message.sentAt());
                }
                expected = entry.seq() - 1;
            }
        }
        Collections.reverse(page);
        return new Page(page, expected > floorSeq, meta.lastSeq());
    }

    private static boolean isOld(long drawnNoLaterThan, long now) {
        return drawnNoLaterThan < now - HOLE_TIMEOUT.toMillis();
    }

    /** True when the seq is now a gap; false when a message landed there meanwhile. */
    private boolean declareGap(String conversationId, long seq) {
        Optional<TimelineEntry> occupant = messages.putIfAbsent(new Gap(conversationId, seq));
        return occupant.isEmpty() || occupant.get() instanceof Gap;
    }
}
