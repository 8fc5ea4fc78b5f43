package dev.parley.model.protocol;

import java.util.Map;

/** A decoded client frame of PROTOCOL.md v1. Every field has been validated by {@link FrameCodec}. */
public sealed interface ClientCommand {
    /** Echoed by the direct reply; null when the frame had none. */
    String requestId();

    /**
     * Exactly one of {@code conversationId} and {@code to} is set. {@code bodyJson} is the body
     * re-serialized compactly; its UTF-8 length is within {@link FrameCodec#MAX_BODY_BYTES}.
     */
    record Send(String requestId, String conversationId, String to, String clientMsgId, String bodyJson)
            implements ClientCommand {
        /** The same send with another body (the attachments check stores verified references). */
        public Send withBody(String body) {
            return new Send(requestId, conversationId, to, clientMsgId, body);
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
}
