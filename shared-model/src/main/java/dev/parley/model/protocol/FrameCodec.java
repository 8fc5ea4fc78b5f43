package dev.parley.model.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.UserIds;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.PayloadTooLargeException;
import dev.parley.model.errors.UnknownActionException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one codec for docs/protocol.md v1 frames. Decoding validates every field and throws a
 * {@link dev.parley.model.errors.ParleyException} naming the first bad one; encoding writes with
 * a streaming generator (no bean reflection, which keeps Lambda cold starts short).
 */
public final class FrameCodec {
    public static final int MAX_BODY_BYTES = 16 * 1024;
    /**
     * The deepest nesting a message body may have (the body object itself is depth 1). Every frame
     * that carries a body wraps it in at most a few more levels, so the server, the Java SDK and
     * the web page all parse any frame holding a valid body; a deeper body is BAD_REQUEST.
     * Clients must accept frames nested at least {@link #MAX_FRAME_DEPTH} deep.
     */
    public static final int MAX_BODY_DEPTH = 32;
    /** The nesting depth every client must be able to parse: a body plus the frames around it. */
    public static final int MAX_FRAME_DEPTH = 64;
    public static final int MAX_REQUEST_ID_CHARS = 64;
    /**
     * The most cursors one {@code sync} may carry; more is BAD_REQUEST. A frame of API Gateway's
     * 32 KB holds about 700, so this refuses only frames no real client sends; the reads a sync
     * may spend on cursors of conversations the caller is not listed in are capped separately
     * (the sync service looks up at most a few of them).
     */
    public static final int MAX_SYNC_CURSORS = 1000;
    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 200;
    /** Conversations per v2 {@code synced} reply unless {@code pageSize} says fewer. */
    public static final int DEFAULT_CHANGES_PAGE = 100;
    /** A v2 sync cursor is an opaque token the server made; anything longer is not one. */
    public static final int MAX_CURSOR_CHARS = 512;
    private static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final JsonFactory FACTORY = new JsonFactory();

    private FrameCodec() {}

    /** A parsed frame whose {@code requestId} is known, so errors found later can echo it. */
    public record Envelope(Map<String, Object> json, String action, String requestId) {}

    /**
     * Parses the JSON object and its envelope fields. Throws {@link BadRequestException} for text
     * that is not a JSON object or an unusable {@code requestId}.
     */
    @SuppressWarnings("unchecked")
    public static Envelope readEnvelope(String raw) {
        Object parsed;
        try {
            parsed = raw == null ? null : JsonTree.parse(FACTORY, raw);
        } catch (IOException e) {
            throw new BadRequestException("frame is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new BadRequestException("frame must be a JSON object");
        }
        if (!JsonTree.wellFormedText(parsed)) {
            throw new BadRequestException("frame holds a string that is not valid UTF-16 (a lone surrogate)");
        }
        Map<String, Object> object = (Map<String, Object>) parsed;
        Object requestIdValue = object.get("requestId");
        String requestId = null;
        if (requestIdValue != null && requestIdValue != JsonTree.NULL) {
            if (!(requestIdValue instanceof String text) || text.length() > MAX_REQUEST_ID_CHARS) {
                throw new BadRequestException("requestId must be a string of at most 64 characters");
            }
            requestId = text;
        }
        Object actionValue = object.get("action");
        return new Envelope(object, actionValue instanceof String action ? action : null, requestId);
    }

    /** The requestId of a frame if it can be had, for error replies to frames that fail to decode. */
    public static String requestIdOrNull(String raw) {
        try {
            return readEnvelope(raw).requestId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The frame's {@code action} if it is a JSON object with a string action, else null. */
    public static String actionOrNull(String raw) {
        try {
            return readEnvelope(raw).action();
        } catch (RuntimeException e) {
            return null;
        }
    }

    public static ClientCommand decode(String raw) {
        return decode(readEnvelope(raw));
    }

    public static ClientCommand decode(Envelope envelope) {
        if (envelope.action() == null) {
            if (present(envelope.json(), "action")) {
                throw new BadRequestException("action must be a string");
            }
            throw new BadRequestException("action is required");
        }
        Map<String, Object> json = envelope.json();
        String requestId = envelope.requestId();
        switch (envelope.action()) {
            case "send":
                return decodeSend(json, requestId);
            case "heartbeat":
                return new ClientCommand.Heartbeat(requestId);
            case "sync":
                if (present(json, "since")) {
                    return decodeSyncChanges(json, requestId);
                }
                return new ClientCommand.Sync(requestId, cursors(json), limit(json));
            case "history": {
                Long beforeSeq = present(json, "beforeSeq") ? nonNegative(json, "beforeSeq") : null;
                return new ClientCommand.History(requestId, conversationId(json), beforeSeq, limit(json));
            }
            case "ack":
                return new ClientCommand.Ack(requestId, conversationId(json), nonNegative(json, "seq"));
            case "read":
                return new ClientCommand.Read(requestId, conversationId(json), nonNegative(json, "seq"));
            case "edit":
            case "delete":
            case "react":
            case "typing":
                return EventFrames.decode(envelope.action(), json, requestId);
            default:
                throw new UnknownActionException("unknown action '" + abbreviate(envelope.action()) + "'");
        }
    }

    /**
     * Protocol v2's send over HTTP ({@code POST /conversations/{id}/messages} or {@code POST
     * /users/{userId}/messages}): the request body holds the fields of a {@code send} frame but the
     * conversation, which comes from the path (exactly one of {@code conversationId} and {@code to});
     * the same checks as the frame, so both ways refuse the same input with the same codes. A
     * {@code conversationId}, {@code to}, {@code action} or {@code requestId} in the body is ignored.
     */
    public static ClientCommand.Send decodeHttpSend(String rawBody, String conversationId, String to) {
        Map<String, Object> json = new java.util.LinkedHashMap<>(readEnvelope(rawBody).json());
        json.remove("action");
        json.remove("requestId");
        json.remove("conversationId");
        json.remove("to");
        if (conversationId != null) {
            json.put("conversationId", conversationId);
        }
        if (to != null) {
            json.put("to", to);
        }
        return decodeSend(json, null);
    }

    @SuppressWarnings("unchecked")
    private static ClientCommand.Send decodeSend(Map<String, Object> json, String requestId) {
        boolean hasConversation = present(json, "conversationId");
        boolean hasTo = present(json, "to");
        if (hasConversation == hasTo) {
            throw new BadRequestException("send needs exactly one of conversationId and to");
        }
        String conversationId = hasConversation ? conversationId(json) : null;
        String to = hasTo ? UserIds.require(text(json, "to"), "to") : null;
        String clientMsgId = clientMsgId(json);
        String bodyJson = body(json);
        long replyTo = present(json, "replyTo") ? positive(json, "replyTo") : 0;
        return new ClientCommand.Send(requestId, conversationId, to, clientMsgId, bodyJson, replyTo);
    }

    static String clientMsgId(Map<String, Object> json) {
        String clientMsgId = text(json, "clientMsgId");
        if (!CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
            throw new BadRequestException("clientMsgId must be 1-64 characters of [A-Za-z0-9_-]");
        }
        return clientMsgId;
    }

    /** A message body (send, edit): a non-empty object, at most 32 deep and 16 KiB serialized. */
    static String body(Map<String, Object> json) {
        if (!present(json, "body")) {
            throw new BadRequestException("body is required");
        }
        if (!(json.get("body") instanceof Map<?, ?> body)) {
            throw new BadRequestException("body must be a JSON object");
        }
        if (body.isEmpty()) {
            throw new BadRequestException("body must have text and/or application fields");
        }
        if (JsonTree.depth(body) > MAX_BODY_DEPTH) {
            throw new BadRequestException("body is nested deeper than " + MAX_BODY_DEPTH + " levels");
        }
        Object text = body.get("text");
        if (text != null && !(text instanceof String)) {
            throw new BadRequestException("body.text must be a string");
        }
        String bodyJson;
        try {
            bodyJson = JsonTree.write(FACTORY, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int bytes = bodyJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BODY_BYTES) {
            throw new PayloadTooLargeException("body is " + bytes + " bytes serialized; the limit is " + MAX_BODY_BYTES);
        }
        Mentions.validate(body.get("mentions"));
        return bodyJson;
    }

    /** v2: one opaque cursor ({@code since}), messages per conversation default 0, pages of at most 200. */
    private static ClientCommand.SyncChanges decodeSyncChanges(Map<String, Object> json, String requestId) {
        if (present(json, "cursors")) {
            throw new BadRequestException("give since (one cursor) or cursors (one per conversation), not both");
        }
        if (!(json.get("since") instanceof String since) || since.length() > MAX_CURSOR_CHARS) {
            throw new BadRequestException("since must be the cursor of the previous synced, or \"\"");
        }
        int limit = 0;
        if (present(json, "limit")) {
            if (!(json.get("limit") instanceof Long messages) || messages < 0) {
                throw new BadRequestException("limit must be a non-negative integer");
            }
            limit = (int) Math.min(messages, MAX_PAGE);
        }
        int pageSize = DEFAULT_CHANGES_PAGE;
        if (present(json, "pageSize")) {
            if (!(json.get("pageSize") instanceof Long size) || size < 1) {
                throw new BadRequestException("pageSize must be a positive integer");
            }
            pageSize = (int) Math.min(size, MAX_PAGE);
        }
        return new ClientCommand.SyncChanges(requestId, since, limit, pageSize);
    }

    private static Map<String, Long> cursors(Map<String, Object> json) {
        if (!present(json, "cursors")) {
            return Map.of();
        }
        if (!(json.get("cursors") instanceof Map<?, ?> object)) {
            throw new BadRequestException("cursors must be an object of conversationId to seq");
        }
        if (object.size() > MAX_SYNC_CURSORS) {
            throw new BadRequestException("at most " + MAX_SYNC_CURSORS + " cursors per sync");
        }
        Map<String, Long> cursors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : object.entrySet()) {
            if (!(entry.getValue() instanceof Long seq) || seq < 0) {
                throw new BadRequestException("cursors values must be non-negative integers");
            }
            cursors.put(ConversationId.require((String) entry.getKey()), seq);
        }
        return Collections.unmodifiableMap(cursors);
    }

    /** Page sizes: default 50; values above 200 are capped at 200, as "max 200" promises. */
    private static int limit(Map<String, Object> json) {
        if (!present(json, "limit")) {
            return DEFAULT_PAGE;
        }
        if (!(json.get("limit") instanceof Long limit) || limit < 1) {
            throw new BadRequestException("limit must be a positive integer");
        }
        return (int) Math.min(limit, MAX_PAGE);
    }

    static String conversationId(Map<String, Object> json) {
        return ConversationId.require(text(json, "conversationId"));
    }

    static boolean present(Map<String, Object> json, String field) {
        Object value = json.get(field);
        return value != null && value != JsonTree.NULL;
    }

    static String text(Map<String, Object> json, String field) {
        if (!present(json, field)) {
            throw new BadRequestException(field + " is required");
        }
        if (!(json.get(field) instanceof String text)) {
            throw new BadRequestException(field + " must be a string");
        }
        return text;
    }

    static long nonNegative(Map<String, Object> json, String field) {
        if (!present(json, field)) {
            throw new BadRequestException(field + " is required");
        }
        if (!(json.get(field) instanceof Long value) || value < 0) {
            throw new BadRequestException(field + " must be a non-negative integer");
        }
        return value;
    }

    static long positive(Map<String, Object> json, String field) {
        if (!(json.get(field) instanceof Long value) || value < 1) {
            throw new BadRequestException(field + " must be a positive integer");
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    // ---------------------------------------------------------------- encoding

    public static String encode(ServerFrame frame) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(frame, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(ServerFrame frame, JsonGenerator g) throws IOException {
        g.writeStartObject();
        if (frame instanceof ServerFrame.Sent sent) {
            g.writeStringField("type", "sent");
            optional(g, "requestId", sent.requestId());
            g.writeStringField("conversationId", sent.conversationId());
            g.writeStringField("clientMsgId", sent.clientMsgId());
            g.writeNumberField("seq", sent.seq());
            g.writeNumberField("sentAt", sent.sentAt());
        } else if (frame instanceof ServerFrame.MessagePush push) {
            g.writeStringField("type", "message");
            writeMessageFields(push.message(), g);
        } else if (frame instanceof ServerFrame.GapPush push) {
            Gap gap = push.gap();
            g.writeStringField("type", "gap");
            g.writeStringField("conversationId", gap.conversationId());
            g.writeNumberField("seq", gap.seq());
        } else if (frame instanceof ServerFrame.Pong pong) {
            g.writeStringField("type", "pong");
            optional(g, "requestId", pong.requestId());
            g.writeNumberField("serverTime", pong.serverTime());
        } else if (frame instanceof ServerFrame.Synced synced) {
            g.writeStringField("type", "synced");
            optional(g, "requestId", synced.requestId());
            g.writeArrayFieldStart("conversations");
            for (ServerFrame.ConversationSync conversation : synced.conversations()) {
                g.writeStartObject();
                g.writeStringField("conversationId", conversation.conversationId());
                g.writeStringField("kind", conversation.kind());
                optional(g, "name", conversation.name());
                if ("group".equals(conversation.kind())) {
                    g.writeBooleanField("admin", conversation.admin());
                }
                g.writeNumberField("lastSeq", conversation.lastSeq());
                g.writeNumberField("readSeq", conversation.readSeq());
                g.writeNumberField("unread", conversation.unread());
                writeMessages(conversation.messages(), g);
                g.writeBooleanField("hasMore", conversation.hasMore());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("totalUnread", synced.totalUnread());
        } else if (frame instanceof ServerFrame.SyncedChanges synced) {
            g.writeStringField("type", "synced");
            optional(g, "requestId", synced.requestId());
            g.writeArrayFieldStart("conversations");
            for (ServerFrame.ChangedConversation conversation : synced.conversations()) {
                g.writeStartObject();
                writeConversationState(conversation.state(), g);
                writeMessages(conversation.messages(), g);
                g.writeBooleanField("hasMore", conversation.hasMore());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("cursor", synced.cursor());
            g.writeBooleanField("hasMore", synced.hasMore());
        } else if (frame instanceof ServerFrame.HistoryPage page) {
            g.writeStringField("type", "history");
            optional(g, "requestId", page.requestId());
            g.writeStringField("conversationId", page.conversationId());
            writeMessages(page.messages(), g);
            g.writeBooleanField("hasMore", page.hasMore());
        } else if (frame instanceof ServerFrame.Presence presence) {
            g.writeStringField("type", "presence");
            g.writeStringField("userId", presence.userId());
            g.writeBooleanField("online", presence.online());
            g.writeNumberField("lastActiveAt", presence.lastActiveAt());
        } else if (frame instanceof ServerFrame.Members members) {
            g.writeStringField("type", "members");
            g.writeStringField("conversationId", members.conversationId());
            if (members.seq() > 0) {
                g.writeNumberField("seq", members.seq());
            }
            writeMemberChange(members.change(), g);
            g.writeStringField("by", members.by());
        } else if (frame instanceof ServerFrame.TypingPush typing) {
            g.writeStringField("type", "typing");
            g.writeStringField("conversationId", typing.conversationId());
            g.writeStringField("userId", typing.userId());
            g.writeStringField("state", typing.start() ? "start" : "stop");
        } else if (frame instanceof ServerFrame.ReadPush read) {
            g.writeStringField("type", "read");
            g.writeStringField("conversationId", read.conversationId());
            g.writeStringField("userId", read.userId());
            g.writeNumberField("seq", read.seq());
        } else if (frame instanceof ServerFrame.Error error) {
            g.writeStringField("type", "error");
            optional(g, "requestId", error.requestId());
            g.writeStringField("code", error.code().name());
            g.writeStringField("message", error.message());
            if (error.retryAfterMs() != null) {
                g.writeNumberField("retryAfterMs", error.retryAfterMs());
            }
        } else {
            throw new IllegalArgumentException("no encoding for " + frame.getClass());
        }
        g.writeEndObject();
    }

    /**
     * The fields of a group's change, shared by the {@code members} frame and the body of its
     * timeline entry: lists cut to {@link dev.parley.model.domain.MemberChange#MAX_LISTED} with the
     * full counts beside them, so both stay small whatever the group's size.
     */
    static void writeMemberChange(dev.parley.model.domain.MemberChange change, JsonGenerator g) throws IOException {
        optional(g, "name", change.name());
        g.writeNumberField("memberCount", change.memberCount());
        writeStrings("added", dev.parley.model.domain.MemberChange.listed(change.added()), g);
        g.writeNumberField("addedCount", change.addedCount());
        writeStrings("removed", dev.parley.model.domain.MemberChange.listed(change.removed()), g);
        g.writeNumberField("removedCount", change.removedCount());
        writeStrings("promoted", dev.parley.model.domain.MemberChange.listed(change.promoted()), g);
        writeStrings("demoted", dev.parley.model.domain.MemberChange.listed(change.demoted()), g);
        if (change.renamed()) {
            g.writeBooleanField("renamed", true);
        }
        if (change.created()) {
            g.writeBooleanField("created", true);
        }
    }

    /** The body of a change's timeline entry (kind {@code member}): the change, as the frame says it. */
    public static String memberChangeBody(dev.parley.model.domain.MemberChange change) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            writeMemberChange(change, g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeStrings(String field, java.util.List<String> values, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart(field);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    private static void writeMessages(java.util.List<Message> messages, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("messages");
        for (Message message : messages) {
            g.writeStartObject();
            writeMessageFields(message, g);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The fields of a conversation in v2 {@code synced} and the paged {@code GET /conversations}. */
    public static void writeConversationState(dev.parley.model.domain.ConversationState state, JsonGenerator g)
            throws IOException {
        g.writeStringField("conversationId", state.conversationId());
        g.writeStringField("kind", state.kind());
        optional(g, "name", state.name());
        g.writeNumberField("lastSeq", state.lastSeq());
        g.writeNumberField("readSeq", state.readSeq());
        g.writeNumberField("unread", state.unread());
        g.writeNumberField("unreadMentions", state.unreadMentions());
        g.writeNumberField("lastActivity", state.lastActivity());
        g.writeBooleanField("muted", state.muted());
        if ("direct".equals(state.kind())) {
            g.writeNumberField("peerReadSeq", state.peerReadSeq());
        } else if (!state.left()) {
            g.writeBooleanField("admin", state.admin());
        }
        if (state.left()) {
            g.writeBooleanField("left", true);
        }
    }

    /**
     * The UTF-8 bytes a message takes in a {@code synced} or {@code history} page, with the comma
     * that separates it from the next: what a page spends of {@code AwsLimits.REPLY_BUDGET_BYTES}.
     */
    public static int pageEntryBytes(Message message) {
        String body = message.bodyJson(); // null for an event (edit, delete, react) and a tombstone
        StringWriter out = new StringWriter(256 + (body == null ? 0 : body.length()));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            writeMessageFields(message, g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return utf8Length(out.getBuffer()) + 1;
    }

    private static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4; // with its low surrogate: one code point, four bytes
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The fields of a {@code message} object, shared by pushes and by sync and history pages. */
    public static void writeMessageFields(Message message, JsonGenerator g) throws IOException {
        g.writeStringField("conversationId", message.conversationId());
        g.writeNumberField("seq", message.seq());
        g.writeStringField("senderId", message.senderId());
        g.writeStringField("clientMsgId", message.clientMsgId());
        if (message.bodyJson() != null) {
            g.writeFieldName("body");
            g.writeRawValue(message.bodyJson());
        }
        g.writeNumberField("sentAt", message.sentAt());
        EventFrames.writeV2Fields(message, g);
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }
}
