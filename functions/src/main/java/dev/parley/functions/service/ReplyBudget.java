package dev.parley.functions.service;

import dev.parley.model.aws.AwsLimits;
import dev.parley.model.domain.Message;
import dev.parley.model.protocol.FrameCodec;
import java.util.List;

/**
 * What is left of one reply's size: a {@code synced} or {@code history} frame stays within
 * {@link AwsLimits#REPLY_BUDGET_BYTES}, well under the 128 KB API Gateway delivers (a route
 * response over it never reaches the client: docs/local-runtime.md). Pages are cut by encoded
 * size as well as by {@code limit}; a cut page says {@code hasMore: true}, which every client
 * already pages on (docs/protocol.md, "What a client must tolerate").
 *
 * <p>The frame's own fields and each conversation's fields are reserved first, at their largest
 * (every character escaped), so that whatever messages fit, the frame fits; messages are then
 * counted exactly ({@link FrameCodec#pageEntryBytes}). A reply whose conversations alone exceed
 * the budget (a v1 {@code sync} of several hundred conversations) carries no messages, and its
 * pages all say {@code hasMore}; v2 sync pages conversations by {@code pageSize} instead.
 */
final class ReplyBudget {
    /** type, requestId (64 characters, each escaped at most 6 bytes), v2 cursor, totals, brackets. */
    static final int FRAME_FIELDS_BYTES = 160 + 6 * FrameCodec.MAX_REQUEST_ID_CHARS + FrameCodec.MAX_CURSOR_CHARS;
    /** A conversation's fixed fields (names, numbers at 20 digits, booleans), without its id and name. */
    static final int CONVERSATION_FIELDS_BYTES = 400;

    private long remaining;

    private ReplyBudget(long bytes) {
        this.remaining = bytes;
    }

    /** The budget of one reply frame. */
    static ReplyBudget ofReply() {
        return new ReplyBudget(AwsLimits.REPLY_BUDGET_BYTES - FRAME_FIELDS_BYTES);
    }

    /** Reserves a conversation's fields (id and name as sent, every character escaped at worst). */
    void reserveConversation(String conversationId, String name) {
        remaining -= CONVERSATION_FIELDS_BYTES + 6L * conversationId.length() + (name == null ? 0 : 6L * name.length());
    }

    /**
     * A forward page (ascending, after a cursor) cut to the oldest messages that fit: the cursor
     * moves no further than what the device received. Cut: {@code hasMore} is true.
     */
    TimelineReader.Page fitForward(TimelineReader.Page page) {
        List<Message> messages = page.messages();
        int kept = 0;
        while (kept < messages.size() && spend(messages.get(kept))) {
            kept++;
        }
        if (kept == messages.size()) {
            return page;
        }
        // Every seq below the first message left out is in the page or a declared gap.
        return new TimelineReader.Page(List.copyOf(messages.subList(0, kept)), true, messages.get(kept).seq() - 1);
    }

    /**
     * A backward page (the newest messages, ascending) cut to the newest messages that fit; the
     * older ones are the next page. Cut: {@code hasMore} (older messages exist) is true.
     */
    TimelineReader.Page fitBackward(TimelineReader.Page page) {
        List<Message> messages = page.messages();
        int from = messages.size();
        while (from > 0 && spend(messages.get(from - 1))) {
            from--;
        }
        if (from == 0) {
            return page;
        }
        return new TimelineReader.Page(List.copyOf(messages.subList(from, messages.size())), true, page.coveredUpTo());
    }

    private boolean spend(Message message) {
        int bytes = FrameCodec.pageEntryBytes(message);
        if (bytes > remaining) {
            remaining = 0; // later, smaller messages do not jump the queue: pages stay contiguous
            return false;
        }
        remaining -= bytes;
        return true;
    }
}
