package dev.parley.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ConversationSummary;
import dev.parley.client.Message;
import dev.parley.client.Presence;
import dev.parley.client.ReadReceipt;
import dev.parley.client.To;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one place that knows PROTOCOL.md's frame shapes, both ways. */
public final class Frames {
    static final ObjectMapper JSON = new ObjectMapper();

    /** PROTOCOL.md: a send's body is at most 16 KiB serialized. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private Frames() {}

    /** A frame the server sent, by its {@code type}. */
    public sealed interface Incoming {}

    public record SentFrame(String requestId, String conversationId, String clientMsgId, long seq, long sentAt)
            implements Incoming {}

    public record MessageFrame(Message message) implements Incoming {}

    public record GapFrame(String conversationId, long seq) implements Incoming {}

    public record PongFrame(String requestId, long serverTime) implements Incoming {}

    public record SyncedConversation(ConversationSummary summary, List<Message> messages, boolean hasMore) {}

    public record SyncedFrame(String requestId, List<SyncedConversation> conversations, long totalUnread)
            implements Incoming {}

    public record HistoryFrame(String requestId, String conversationId, List<Message> messages, boolean hasMore)
            implements Incoming {}

    public record ReadFrame(ReadReceipt receipt) implements Incoming {}

    public record PresenceFrame(Presence presence) implements Incoming {}

    /** {@code retryAfterMs} is 0 when absent. */
    public record ErrorFrame(String requestId, String code, String message, long retryAfterMs) implements Incoming {}

    /**
     * Anything else: a type this version does not know, or a frame without {@code type} such as
     * the gateway's {@code {"message": "Internal server error", ...}} when a function failed
     * outright (it does not echo our requestId; the request times out and is retried).
     */
    public record Other(String text) implements Incoming {}

    public static Incoming decode(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new Other(text);
        }
        if (frame == null || !frame.isObject()) {
            return new Other(text);
        }
        String requestId = textOrNull(frame, "requestId");
        switch (frame.path("type").asText("")) {
            case "sent":
                return new SentFrame(requestId, frame.path("conversationId").asText(), frame.path("clientMsgId").asText(),
                        frame.path("seq").asLong(), frame.path("sentAt").asLong());
            case "message":
                return new MessageFrame(message(frame));
            case "gap":
                return new GapFrame(frame.path("conversationId").asText(), frame.path("seq").asLong());
            case "pong":
                return new PongFrame(requestId, frame.path("serverTime").asLong());
            case "synced": {
                List<SyncedConversation> conversations = new ArrayList<>();
                for (JsonNode c : frame.path("conversations")) {
                    String id = c.path("conversationId").asText();
                    conversations.add(new SyncedConversation(
                            new ConversationSummary(id, c.path("kind").asText(null), c.path("lastSeq").asLong(),
                                    c.path("readSeq").asLong(), c.path("unread").asLong()),
                            messages(c.path("messages"), id), c.path("hasMore").asBoolean()));
                }
                return new SyncedFrame(requestId, conversations, frame.path("totalUnread").asLong());
            }
            case "history": {
                String id = frame.path("conversationId").asText();
                return new HistoryFrame(requestId, id, messages(frame.path("messages"), id),
                        frame.path("hasMore").asBoolean());
            }
            case "read":
                return new ReadFrame(new ReadReceipt(frame.path("conversationId").asText(),
                        frame.path("userId").asText(), frame.path("seq").asLong()));
            case "presence":
                return new PresenceFrame(new Presence(frame.path("userId").asText(), frame.path("online").asBoolean(),
                        frame.path("lastActiveAt").asLong()));
            case "error":
                return new ErrorFrame(requestId, frame.path("code").asText(), frame.path("message").asText(""),
                        frame.path("retryAfterMs").asLong(0));
            default:
                return new Other(text);
        }
    }

    public static String send(String requestId, String clientMsgId, To to, JsonNode body) {
        ObjectNode frame = action("send", requestId).put("clientMsgId", clientMsgId);
        if (to.conversationId() != null) {
            frame.put("conversationId", to.conversationId());
        } else {
            frame.put("to", to.userId());
        }
        frame.set("body", body);
        return frame.toString();
    }

    public static String heartbeat(String requestId) {
        return action("heartbeat", requestId).toString();
    }

    public static String sync(String requestId, Map<String, Long> cursors, int limit) {
        ObjectNode frame = action("sync", requestId);
        ObjectNode json = frame.putObject("cursors");
        cursors.forEach(json::put);
        return frame.put("limit", limit).toString();
    }

    public static String history(String requestId, String conversationId, Long beforeSeq, int limit) {
        ObjectNode frame = action("history", requestId).put("conversationId", conversationId);
        if (beforeSeq != null) {
            frame.put("beforeSeq", beforeSeq);
        }
        return frame.put("limit", limit).toString();
    }

    public static String ack(String requestId, String conversationId, long seq) {
        return action("ack", requestId).put("conversationId", conversationId).put("seq", seq).toString();
    }

    public static String read(String requestId, String conversationId, long seq) {
        return action("read", requestId).put("conversationId", conversationId).put("seq", seq).toString();
    }

    /** The body's size as the server measures it: compact serialization, UTF-8 bytes. */
    public static int bodyBytes(JsonNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8).length;
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
            JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
            return textOrNull(claims, "sub");
        } catch (Exception unreadable) {
            return null;
        }
    }

    private static ObjectNode action(String action, String requestId) {
        ObjectNode frame = JSON.createObjectNode().put("action", action);
        if (requestId != null) {
            frame.put("requestId", requestId);
        }
        return frame;
    }

    private static List<Message> messages(JsonNode array, String conversationId) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : array) {
            messages.add(message(m, conversationId));
        }
        return messages;
    }

    private static Message message(JsonNode m) {
        return message(m, m.path("conversationId").asText());
    }

    /** Page entries may leave out their conversationId (the page names it); pushes carry it. */
    private static Message message(JsonNode m, String conversationId) {
        return new Message(m.hasNonNull("conversationId") ? m.get("conversationId").asText() : conversationId,
                m.path("seq").asLong(), textOrNull(m, "senderId"), textOrNull(m, "clientMsgId"), m.get("body"),
                m.path("sentAt").asLong());
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
