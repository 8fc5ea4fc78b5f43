package dev.parley.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ConversationSummary;
import dev.parley.client.Message;
import dev.parley.client.To;
import dev.parley.model.domain.ConversationState;
import dev.parley.model.protocol.ClientCodec;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The SDK's side of the shared codec ({@link ClientCodec}, which knows the frame shapes both
 * ways): builds the commands the engine sends and turns decoded frames into the SDK's public
 * types, whose bodies are Jackson trees for the application's convenience.
 */
public final class Wire {
    /** Reads bodies as deep as {@link ClientCodec} reads frames, so a readable frame never fails here. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(ClientCodec.MAX_READ_DEPTH).build())
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(ClientCodec.MAX_READ_DEPTH).build())
                    .build())
            .build();

    /** docs/protocol.md: a send's body is at most 16 KiB serialized. */
    public static final int MAX_BODY_BYTES = FrameCodec.MAX_BODY_BYTES;

    /** docs/protocol.md: the server refuses bodies nested deeper (the body object itself is level 1). */
    public static final int MAX_BODY_DEPTH = FrameCodec.MAX_BODY_DEPTH;

    private Wire() {}

    static String send(String requestId, String clientMsgId, To to, JsonNode body) {
        return ClientCodec.encode(new ClientCommand.Send(requestId, to.conversationId(), to.userId(), clientMsgId,
                body.toString()));
    }

    static String heartbeat(String requestId) {
        return ClientCodec.encode(new ClientCommand.Heartbeat(requestId));
    }

    /** The v2 {@code sync}: one position for the device, {@code limit} newest messages per listed conversation. */
    static String sync(String requestId, String since, int limit, int pageSize) {
        return ClientCodec.encode(new ClientCommand.SyncChanges(requestId, since, limit, pageSize));
    }

    static String history(String requestId, String conversationId, Long beforeSeq, int limit) {
        return ClientCodec.encode(new ClientCommand.History(requestId, conversationId, beforeSeq, limit));
    }

    static String ack(String requestId, String conversationId, long seq) {
        return ClientCodec.encode(new ClientCommand.Ack(requestId, conversationId, seq));
    }

    static String read(String requestId, String conversationId, long seq) {
        return ClientCodec.encode(new ClientCommand.Read(requestId, conversationId, seq));
    }

    /** The SDK's message for a decoded one. */
    static Message message(dev.parley.model.domain.Message m) {
        var event = m.event();
        var state = m.state();
        return new Message(m.conversationId(), m.seq(), m.senderId(), m.clientMsgId(),
                m.bodyJson() == null ? null : tree(m.bodyJson()), m.sentAt(), m.replyTo(),
                event == null ? null : new Message.Event(event.kind(), event.targetSeq(), event.emoji(), event.remove()),
                state == null ? null : new Message.State(state.editedAt(), state.deleted(), state.reactions().stream()
                        .map(r -> new Message.Reaction(r.emoji(), r.count(), r.me())).toList(), state.stateSeq()));
    }

    /** Protocol v2: the frame of an edit, delete or react, or of a send with a {@code replyTo}. */
    static String event(String requestId, String clientMsgId, To to, JsonNode body, Message.Event event, long replyTo) {
        if (event == null) {
            return ClientCodec.encode(new ClientCommand.Send(requestId, to.conversationId(), to.userId(), clientMsgId,
                    body.toString(), replyTo));
        }
        return ClientCodec.encode(switch (event.kind()) {
            case Message.Event.EDIT -> new ClientCommand.Edit(requestId, to.conversationId(), event.targetSeq(),
                    clientMsgId, body.toString());
            case Message.Event.DELETE -> new ClientCommand.Delete(requestId, to.conversationId(), event.targetSeq(),
                    clientMsgId);
            default -> new ClientCommand.React(requestId, to.conversationId(), event.targetSeq(), clientMsgId,
                    event.emoji(), event.remove());
        });
    }

    static String typing(String conversationId, boolean start) {
        return ClientCodec.encode(new ClientCommand.Typing(null, conversationId, start));
    }

    static List<Message> messages(List<dev.parley.model.domain.Message> messages) {
        return messages.stream().map(Wire::message).toList();
    }

    static ConversationSummary summary(ConversationState c) {
        return new ConversationSummary(c.conversationId(), c.kind(), c.name(), c.lastSeq(), c.readSeq(), c.unread(), c.admin());
    }

    /** The body's size as the server measures it: compact serialization, UTF-8 bytes. */
    public static int bodyBytes(JsonNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** How deep a tree nests (an empty object or array is 1, a scalar 0); iterative, for any depth. */
    static int depth(JsonNode root) {
        int deepest = 0;
        java.util.ArrayDeque<Map.Entry<JsonNode, Integer>> pending = new java.util.ArrayDeque<>();
        pending.push(Map.entry(root, 1));
        while (!pending.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = pending.pop();
            if (next.getKey().isContainerNode()) {
                deepest = Math.max(deepest, next.getValue());
                next.getKey().forEach(child -> pending.push(Map.entry(child, next.getValue() + 1)));
            }
        }
        return deepest;
    }

    /** A body holding only {@code text}. */
    public static ObjectNode textBody(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    /** The {@code sub} claim of a JWT, read without verifying it (only to label own messages); null if unreadable. */
    public static String subject(String jwt) {
        String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            JsonNode sub = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).get("sub");
            return sub == null || !sub.isTextual() ? null : sub.asText();
        } catch (Exception unreadable) {
            return null;
        }
    }

    static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // cannot happen: the codec wrote it
        }
    }
}
