package dev.parley.model.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.BadRequestException;
import java.io.IOException;
import java.util.Map;

/**
 * Protocol v2's frames about a conversation's timeline beyond messages: decoding {@code edit},
 * {@code delete}, {@code react} and {@code typing}, and writing the v2 fields of a timeline entry
 * ({@code kind}, {@code targetSeq}, {@code emoji}, {@code remove}, {@code replyTo}, and a message's
 * current state). Kept beside {@link FrameCodec}, which routes to it, so each stays readable.
 */
final class EventFrames {
    /** An emoji is short: a ZWJ family sequence is 7 code points, a flag with tags about 7. */
    static final int MAX_EMOJI_CODE_POINTS = 16;

    private EventFrames() {}

    static ClientCommand decode(String action, Map<String, Object> json, String requestId) {
        String conversationId = FrameCodec.conversationId(json);
        switch (action) {
            case "edit":
                return new ClientCommand.Edit(requestId, conversationId, target(json), FrameCodec.clientMsgId(json),
                        FrameCodec.body(json));
            case "delete":
                return new ClientCommand.Delete(requestId, conversationId, target(json), FrameCodec.clientMsgId(json));
            case "react": {
                long seq = target(json);
                String clientMsgId = FrameCodec.clientMsgId(json);
                boolean remove = false;
                if (FrameCodec.present(json, "remove")) {
                    if (!(json.get("remove") instanceof Boolean flag)) {
                        throw new BadRequestException("remove must be a boolean");
                    }
                    remove = flag;
                }
                return new ClientCommand.React(requestId, conversationId, seq, clientMsgId, emoji(json), remove);
            }
            case "typing": {
                String state = FrameCodec.text(json, "state");
                if (!state.equals("start") && !state.equals("stop")) {
                    throw new BadRequestException("state must be start or stop");
                }
                return new ClientCommand.Typing(requestId, conversationId, state.equals("start"));
            }
            default:
                throw new IllegalArgumentException(action);
        }
    }

    private static long target(Map<String, Object> json) {
        if (!FrameCodec.present(json, "seq")) {
            throw new BadRequestException("seq (the target message) is required");
        }
        return FrameCodec.positive(json, "seq");
    }

    /** 1-16 code points, none of them whitespace or a control character. */
    private static String emoji(Map<String, Object> json) {
        String emoji = FrameCodec.text(json, "emoji");
        int codePoints = emoji.codePointCount(0, emoji.length());
        if (codePoints < 1 || codePoints > MAX_EMOJI_CODE_POINTS
                || emoji.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new BadRequestException("emoji must be 1-" + MAX_EMOJI_CODE_POINTS
                    + " characters without spaces or control characters");
        }
        return emoji;
    }

    /**
     * The v2 fields of a timeline entry, written after the v1 ones: only what is set, so a plain
     * message looks as in v1.
     */
    static void writeV2Fields(Message message, JsonGenerator g) throws IOException {
        Message.Event event = message.event();
        if (event != null) {
            g.writeStringField("kind", event.kind());
            if (event.targetSeq() > 0) { // a member entry targets no message
                g.writeNumberField("targetSeq", event.targetSeq());
            }
            if (event.emoji() != null) {
                g.writeStringField("emoji", event.emoji());
            }
            if (event.remove()) {
                g.writeBooleanField("remove", true);
            }
        }
        if (message.replyTo() > 0) {
            g.writeNumberField("replyTo", message.replyTo());
        }
        Message.State state = message.state();
        if (state == null || state.isUnchanged()) {
            return;
        }
        if (state.deleted()) {
            g.writeBooleanField("deleted", true);
        } else if (state.editedAt() > 0) {
            g.writeNumberField("editedAt", state.editedAt());
        }
        if (!state.deleted() && !state.reactions().isEmpty()) {
            g.writeArrayFieldStart("reactions");
            for (Message.Reaction reaction : state.reactions()) {
                g.writeStartObject();
                g.writeStringField("emoji", reaction.emoji());
                g.writeNumberField("count", reaction.count());
                g.writeBooleanField("me", reaction.me());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeNumberField("stateSeq", state.stateSeq());
    }
}
