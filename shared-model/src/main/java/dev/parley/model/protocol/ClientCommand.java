package dev.parley.model.protocol;

import java.util.Map;

/** A decoded client frame of docs/protocol.md v1. Every field has been validated by {@link FrameCodec}. */
public sealed interface ClientCommand {
    /** Echoed by the direct reply; null when the frame had none. */
    String requestId();

    /**
     * Exactly one of {@code conversationId} and {@code to} is set. {@code bodyJson} is the body
     * re-serialized compactly; its UTF-8 length is within {@link FrameCodec#MAX_BODY_BYTES}.
     */
    record Send(String requestId, String conversationId, String to, String clientMsgId, String bodyJson,
                long replyTo) implements ClientCommand {
        /** A send that replies to nothing ({@code replyTo} 0). */
        public Send(String requestId, String conversationId, String to, String clientMsgId, String bodyJson) {
            this(requestId, conversationId, to, clientMsgId, bodyJson, 0);
        }

        /** The same send with another body (the attachments check stores verified references). */
        public Send withBody(String body) {
            return new Send(requestId, conversationId, to, clientMsgId, body, replyTo);
        }
    }

    record Heartbeat(String requestId) implements ClientCommand {}

    /** {@code cursors}: conversationId to the last seq the device holds. */
    record Sync(String requestId, Map<String, Long> cursors, int limit) implements ClientCommand {}

    /**
     * The v2 {@code sync} with one cursor per device (a frame with {@code since}): the
     * conversations changed since the cursor ({@code ""}: all), at most {@code pageSize}, each
     * with its newest {@code limit} messages (0: none).
     */
    record SyncChanges(String requestId, String since, int limit, int pageSize) implements ClientCommand {}

    /** {@code beforeSeq} is exclusive; null means "from the newest". */
    record History(String requestId, String conversationId, Long beforeSeq, int limit) implements ClientCommand {}

    record Ack(String requestId, String conversationId, long seq) implements ClientCommand {}

    record Read(String requestId, String conversationId, long seq) implements ClientCommand {}

    // ------------------------------------------------ protocol v2: events on a message, typing

    /** {@code edit}: the message at {@code seq} gets {@code bodyJson} (validated as a send's body). */
    record Edit(String requestId, String conversationId, long seq, String clientMsgId, String bodyJson)
            implements ClientCommand {}

    /** {@code delete}: the message at {@code seq} becomes a tombstone. */
    record Delete(String requestId, String conversationId, long seq, String clientMsgId) implements ClientCommand {}

    /** {@code react}: {@code emoji} added to the message at {@code seq}, or taken back ({@code remove}). */
    record React(String requestId, String conversationId, long seq, String clientMsgId, String emoji, boolean remove)
            implements ClientCommand {}

    /** {@code typing}: {@code start} or {@code stop}, relayed to the other members' live connections. */
    record Typing(String requestId, String conversationId, boolean start) implements ClientCommand {}
}
