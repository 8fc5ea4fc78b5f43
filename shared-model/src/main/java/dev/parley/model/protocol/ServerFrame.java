package dev.parley.model.protocol;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.ErrorCode;
import java.util.List;

/** A frame the server sends, by its docs/protocol.md {@code type}. {@link FrameCodec#encode} writes them. */
public sealed interface ServerFrame {

    record Sent(String requestId, String conversationId, String clientMsgId, long seq, long sentAt)
            implements ServerFrame {}

    /** The push of a stored message ({@code type: message}). */
    record MessagePush(Message message) implements ServerFrame {}

    /** The push of a gap marker ({@code type: gap}). */
    record GapPush(Gap gap) implements ServerFrame {}

    record Pong(String requestId, long serverTime) implements ServerFrame {}

    /**
     * One conversation of a {@code synced} reply. {@code messages} ascend by seq. {@code name} is
     * the group's name (null for direct conversations; written only when set, an addition to v1);
     * {@code admin} whether the user is an admin of the group (written for groups only).
     */
    record ConversationSync(String conversationId, String kind, String name, long lastSeq, long readSeq, long unread,
                            List<Message> messages, boolean hasMore, boolean admin) {
        public ConversationSync(String conversationId, String kind, String name, long lastSeq, long readSeq, long unread,
                                List<Message> messages, boolean hasMore) {
            this(conversationId, kind, name, lastSeq, readSeq, unread, messages, hasMore, false);
        }
    }

    /** The reply to {@code sync}; {@code totalUnread} is the sum of the conversations' {@code unread}. */
    record Synced(String requestId, List<ConversationSync> conversations) implements ServerFrame {
        public long totalUnread() {
            return conversations.stream().mapToLong(ConversationSync::unread).sum();
        }
    }

    /** One conversation of a v2 {@code synced}: its state, and its newest messages when asked for. */
    record ChangedConversation(dev.parley.model.domain.ConversationState state, List<Message> messages, boolean hasMore) {}

    /**
     * The reply to a v2 {@code sync}: the conversations changed since the device's cursor, the
     * cursor to send next, and whether more changes follow at once ({@code hasMore}).
     */
    record SyncedChanges(String requestId, List<ChangedConversation> conversations, String cursor, boolean hasMore)
            implements ServerFrame {}

    /** The reply to {@code history}: messages ascending, {@code hasMore} when older ones exist. */
    record HistoryPage(String requestId, String conversationId, List<Message> messages, boolean hasMore)
            implements ServerFrame {}

    /** A user's presence changed ({@code type: presence}); pushed to their direct-conversation peers. */
    record Presence(String userId, boolean online, long lastActiveAt) implements ServerFrame {}

    /**
     * A group changed ({@code type: members}, an addition to protocol v1): who joined, left or was
     * removed, promoted or demoted, the name, and the member count after the change; never the
     * member list (docs/protocol.md). Pushed to every member after the change and to the members
     * it removed. {@code seq} is the change's own timeline entry (kind {@code member}), 0 when
     * none was stored.
     */
    record Members(String conversationId, long seq, String by, dev.parley.model.domain.MemberChange change)
            implements ServerFrame {}

    /** Someone started or stopped typing ({@code type: typing}, protocol v2): never stored, no seq. */
    record TypingPush(String conversationId, String userId, boolean start) implements ServerFrame {}

    /** A read cursor moved ({@code type: read}). */
    record ReadPush(String conversationId, String userId, long seq) implements ServerFrame {}

    /** {@code retryAfterMs} is only written for {@link ErrorCode#RATE_LIMITED}; null otherwise. */
    record Error(String requestId, ErrorCode code, String message, Long retryAfterMs) implements ServerFrame {
        public static Error of(String requestId, ErrorCode code, String message) {
            return new Error(requestId, code, message, null);
        }
    }
}
