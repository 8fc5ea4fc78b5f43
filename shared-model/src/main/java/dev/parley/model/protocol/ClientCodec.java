package dev.parley.model.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import dev.parley.model.domain.ConversationState;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client side of {@link FrameCodec}: encodes the frames a client sends ({@link ClientCommand})
 * and decodes the frames the server sends into the same {@link ServerFrame} records that
 * {@link FrameCodec#encode} writes, so one codec knows the wire both ways (the Java SDK and the
 * tests use it; {@code ClientCodecTest} pins the round trip).
 *
 * <p>Decoding is total: {@link #read} never throws. A client must survive whatever arrives
 * (docs/protocol.md: "the SDK never stalls on a frame it cannot parse"), so every outcome is a
 * {@link Reading}: a known frame, an error reply, a frame this version does not know (a newer
 * server's type; ignore it), or an unreadable frame with the reason, for the client to report
 * and skip. Unknown fields are ignored.
 */
public final class ClientCodec {
    /**
     * How deep a server frame may nest and still be read. Far above {@link FrameCodec#MAX_FRAME_DEPTH}
     * on purpose: bodies stored before {@link FrameCodec#MAX_BODY_DEPTH} was enforced were
     * accepted up to Jackson's default of 1,000 levels, and a page wraps them in four more; those
     * frames must still be readable, or one old message would block every sync of its reader.
     */
    public static final int MAX_READ_DEPTH = 2_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_READ_DEPTH).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_READ_DEPTH).build())
            .build();

    private ClientCodec() {}

    /** What one text frame from the server turned out to be. */
    public sealed interface Reading {}

    /** A frame of a known type, fully validated. */
    public record Frame(ServerFrame frame) implements Reading {}

    /**
     * An {@code error} frame. The code is kept as text: a newer server may send codes this
     * version does not know, and the request they answer must still end.
     */
    public record ErrorReply(String requestId, String code, String message, long retryAfterMs) implements Reading {}

    /**
     * A JSON object of a type this version does not know (a newer protocol version), or with no
     * {@code type} at all, such as API Gateway's {@code {"message": "Internal server error", ...}}
     * when a function failed outright. {@code type} is null when absent.
     */
    public record Unknown(String type, String requestId) implements Reading {}

    /**
     * Not a frame this version can use: not JSON, nested deeper than {@link #MAX_READ_DEPTH},
     * or a known type with a missing or mistyped field. {@code type} and {@code requestId} are
     * given when they could be read (they lead every frame the server writes).
     */
    public record Unreadable(String type, String requestId, String reason) implements Reading {}

    /** Reads one text frame; never throws. */
    public static Reading read(String text) {
        Object parsed;
        try {
            parsed = JsonTree.parse(FACTORY, text);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            String[] envelope = leadingFields(text);
            return new Unreadable(envelope[0], envelope[1], "not readable as JSON: " + firstLine(e.getMessage()));
        }
        if (!(parsed instanceof Map<?, ?>)) {
            return new Unreadable(null, null, "not a JSON object");
        }
        Fields frame = new Fields((Map<?, ?>) parsed, "frame");
        String type = frame.optionalText("type");
        String requestId = frame.optionalText("requestId");
        try {
            if ("error".equals(type)) {
                Long retryAfterMs = frame.optionalLong("retryAfterMs");
                String message = frame.optionalText("message");
                return new ErrorReply(requestId, frame.text("code"), message == null ? "" : message,
                        retryAfterMs == null ? 0 : retryAfterMs);
            }
            ServerFrame decoded = decode(type, requestId, frame);
            return decoded == null ? new Unknown(type, requestId) : new Frame(decoded);
        } catch (Malformed e) {
            return new Unreadable(type, requestId, e.getMessage());
        }
    }

    /** The client frame for a command, as {@link FrameCodec#decode} reads it back. */
    public static String encode(ClientCommand command) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (command instanceof ClientCommand.Send send) {
                start(g, "send", send.requestId());
                if (send.conversationId() != null) {
                    g.writeStringField("conversationId", send.conversationId());
                } else {
                    g.writeStringField("to", send.to());
                }
                g.writeStringField("clientMsgId", send.clientMsgId());
                g.writeFieldName("body");
                g.writeRawValue(send.bodyJson());
                if (send.replyTo() > 0) {
                    g.writeNumberField("replyTo", send.replyTo());
                }
            } else if (command instanceof ClientCommand.Edit edit) {
                target(g, "edit", edit.requestId(), edit.conversationId(), edit.seq(), edit.clientMsgId());
                g.writeFieldName("body");
                g.writeRawValue(edit.bodyJson());
            } else if (command instanceof ClientCommand.Delete delete) {
                target(g, "delete", delete.requestId(), delete.conversationId(), delete.seq(), delete.clientMsgId());
            } else if (command instanceof ClientCommand.React react) {
                target(g, "react", react.requestId(), react.conversationId(), react.seq(), react.clientMsgId());
                g.writeStringField("emoji", react.emoji());
                if (react.remove()) {
                    g.writeBooleanField("remove", true);
                }
            } else if (command instanceof ClientCommand.Typing typing) {
                start(g, "typing", typing.requestId());
                g.writeStringField("conversationId", typing.conversationId());
                g.writeStringField("state", typing.start() ? "start" : "stop");
            } else if (command instanceof ClientCommand.Heartbeat heartbeat) {
                start(g, "heartbeat", heartbeat.requestId());
            } else if (command instanceof ClientCommand.Sync sync) {
                start(g, "sync", sync.requestId());
                g.writeObjectFieldStart("cursors");
                for (Map.Entry<String, Long> cursor : sync.cursors().entrySet()) {
                    g.writeNumberField(cursor.getKey(), cursor.getValue());
                }
                g.writeEndObject();
                g.writeNumberField("limit", sync.limit());
            } else if (command instanceof ClientCommand.SyncChanges sync) {
                start(g, "sync", sync.requestId());
                g.writeStringField("since", sync.since());
                g.writeNumberField("limit", sync.limit());
                g.writeNumberField("pageSize", sync.pageSize());
            } else if (command instanceof ClientCommand.History history) {
                start(g, "history", history.requestId());
                g.writeStringField("conversationId", history.conversationId());
                if (history.beforeSeq() != null) {
                    g.writeNumberField("beforeSeq", history.beforeSeq());
                }
                g.writeNumberField("limit", history.limit());
            } else if (command instanceof ClientCommand.Ack ack) {
                start(g, "ack", ack.requestId());
                g.writeStringField("conversationId", ack.conversationId());
                g.writeNumberField("seq", ack.seq());
            } else if (command instanceof ClientCommand.Read read) {
                start(g, "read", read.requestId());
                g.writeStringField("conversationId", read.conversationId());
                g.writeNumberField("seq", read.seq());
            } else {
                throw new IllegalArgumentException("no encoding for " + command.getClass());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Compact JSON text of a value (as parsed by {@link JsonTree}), nested up to {@link #MAX_READ_DEPTH}. */
    public static String write(Object value) {
        try {
            return JsonTree.write(FACTORY, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void target(JsonGenerator g, String action, String requestId, String conversationId, long seq,
                               String clientMsgId) throws IOException {
        start(g, action, requestId);
        g.writeStringField("conversationId", conversationId);
        g.writeNumberField("seq", seq);
        g.writeStringField("clientMsgId", clientMsgId);
    }

    private static void start(JsonGenerator g, String action, String requestId) throws IOException {
        g.writeStringField("action", action);
        if (requestId != null) {
            g.writeStringField("requestId", requestId);
        }
    }

    /** The frame of a known type, or null for a type this version does not know. */
    private static ServerFrame decode(String type, String requestId, Fields frame) {
        if (type == null) {
            return null;
        }
        switch (type) {
            case "sent":
                return new ServerFrame.Sent(requestId, frame.text("conversationId"), frame.text("clientMsgId"),
                        frame.number("seq"), frame.number("sentAt"));
            case "message":
                return new ServerFrame.MessagePush(message(frame, null));
            case "gap":
                return new ServerFrame.GapPush(new Gap(frame.text("conversationId"), frame.number("seq")));
            case "pong":
                return new ServerFrame.Pong(requestId, frame.number("serverTime"));
            case "synced": {
                if (frame.value("cursor") != null) {
                    return syncedChanges(requestId, frame);
                }
                List<ServerFrame.ConversationSync> conversations = new ArrayList<>();
                for (Fields c : frame.objects("conversations")) {
                    String id = c.text("conversationId");
                    conversations.add(new ServerFrame.ConversationSync(id, c.text("kind"), c.optionalText("name"),
                            c.number("lastSeq"), c.number("readSeq"), c.number("unread"), messages(c, id),
                            c.bool("hasMore"), c.bool("admin")));
                }
                return new ServerFrame.Synced(requestId, List.copyOf(conversations));
            }
            case "history": {
                String id = frame.text("conversationId");
                return new ServerFrame.HistoryPage(requestId, id, messages(frame, id), frame.bool("hasMore"));
            }
            case "read":
                return new ServerFrame.ReadPush(frame.text("conversationId"), frame.text("userId"), frame.number("seq"));
            case "presence":
                return new ServerFrame.Presence(frame.text("userId"), frame.bool("online"), frame.number("lastActiveAt"));
            case "typing":
                return new ServerFrame.TypingPush(frame.text("conversationId"), frame.text("userId"),
                        "start".equals(frame.text("state")));
            case "members":
                return new ServerFrame.Members(frame.text("conversationId"), orZero(frame.optionalLong("seq")),
                        frame.optionalText("by"), memberChange(frame));
            default:
                return null;
        }
    }

    /** A v2 {@code synced} (it has a {@code cursor}): the changed conversations' states and newest messages. */
    private static ServerFrame.SyncedChanges syncedChanges(String requestId, Fields frame) {
        List<ServerFrame.ChangedConversation> conversations = new ArrayList<>();
        for (Fields c : frame.objects("conversations")) {
            String id = c.text("conversationId");
            ConversationState state = new ConversationState(id, c.text("kind"), c.optionalText("name"),
                    c.number("lastSeq"), c.number("readSeq"), c.number("unread"), orZero(c.optionalLong("unreadMentions")),
                    orZero(c.optionalLong("lastActivity")), c.bool("muted"), orZero(c.optionalLong("peerReadSeq")),
                    c.bool("left"), c.bool("admin"));
            conversations.add(new ServerFrame.ChangedConversation(state, messages(c, id), c.bool("hasMore")));
        }
        return new ServerFrame.SyncedChanges(requestId, List.copyOf(conversations), frame.text("cursor"),
                frame.bool("hasMore"));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static List<Message> messages(Fields page, String conversationId) {
        List<Message> messages = new ArrayList<>();
        for (Fields m : page.objects("messages")) {
            messages.add(message(m, conversationId));
        }
        return List.copyOf(messages);
    }

    /**
     * Page entries may leave out their conversationId (the page names it); pushes carry it. A
     * missing body is kept as null, not refused: protocol v2 pages describe a deleted message
     * without one.
     */
    private static Message message(Fields m, String pageConversationId) {
        String conversationId = pageConversationId == null ? m.text("conversationId")
                : m.optionalText("conversationId") == null ? pageConversationId : m.text("conversationId");
        Object body = m.value("body");
        if (body != null && !(body instanceof Map<?, ?>)) {
            throw new Malformed(m.where + ".body must be a JSON object");
        }
        Long replyTo = m.optionalLong("replyTo");
        return new Message(conversationId, m.number("seq"), m.optionalText("senderId"), m.optionalText("clientMsgId"),
                body == null ? null : write(body), m.optionalLong("sentAt") == null ? 0 : m.optionalLong("sentAt"),
                replyTo == null ? 0 : replyTo, event(m), state(m));
    }

    /** The v2 {@code kind} of an entry: null for a message (absent or {@code message}). */
    private static Message.Event event(Fields m) {
        String kind = m.optionalText("kind");
        if (kind == null || Message.Event.MESSAGE.equals(kind)) {
            return null;
        }
        Long targetSeq = m.optionalLong("targetSeq");
        if (targetSeq == null && !Message.Event.MEMBER.equals(kind)) {
            throw new Malformed(m.where + ".targetSeq must be an integer");
        }
        return new Message.Event(kind, targetSeq == null ? 0 : targetSeq, m.optionalText("emoji"),
                m.value("remove") instanceof Boolean remove && remove);
    }

    /**
     * A group's change, from a {@code members} frame or the body of a timeline entry of kind
     * {@code member}: the listed ids (cut at {@link dev.parley.model.domain.MemberChange#MAX_LISTED}
     * on the wire) and how many there were.
     */
    private static dev.parley.model.domain.MemberChange memberChange(Fields f) {
        List<String> added = f.strings("added");
        List<String> removed = f.strings("removed");
        Long addedCount = f.optionalLong("addedCount");
        Long removedCount = f.optionalLong("removedCount");
        return new dev.parley.model.domain.MemberChange(added, addedCount == null ? added.size() : addedCount,
                removed, removedCount == null ? removed.size() : removedCount, f.strings("promoted"),
                f.strings("demoted"), f.optionalText("name"), f.bool("renamed"), f.bool("created"),
                orZero(f.optionalLong("memberCount")));
    }

    /**
     * The change a timeline entry of kind {@code member} describes, read from its body; null when
     * the entry is of another kind or its body is not a change.
     */
    public static dev.parley.model.domain.MemberChange memberChange(Message entry) {
        if (entry.event() == null || !Message.Event.MEMBER.equals(entry.event().kind()) || entry.bodyJson() == null) {
            return null;
        }
        try {
            if (JsonTree.parse(entry.bodyJson()) instanceof Map<?, ?> body) {
                return memberChange(new Fields(body, "body"));
            }
        } catch (IOException | RuntimeException unreadable) {
            // not a change this client understands
        }
        return null;
    }

    /** The v2 current state of a page entry, or null when it reports none. */
    private static Message.State state(Fields m) {
        boolean deleted = m.value("deleted") instanceof Boolean flag && flag;
        Long editedAt = m.optionalLong("editedAt");
        Long stateSeq = m.optionalLong("stateSeq");
        List<Message.Reaction> reactions = new ArrayList<>();
        if (m.value("reactions") != null) {
            for (Fields r : m.objects("reactions")) {
                reactions.add(new Message.Reaction(r.text("emoji"), r.number("count"),
                        r.value("me") instanceof Boolean me && me));
            }
        }
        if (!deleted && editedAt == null && stateSeq == null && reactions.isEmpty()) {
            return null;
        }
        return new Message.State(editedAt == null ? 0 : editedAt, deleted, reactions, stateSeq == null ? 0 : stateSeq);
    }

    /**
     * The {@code type} and {@code requestId} of a frame that does not parse as a whole, read from
     * its leading fields (the server writes them first) until the first problem.
     */
    private static String[] leadingFields(String text) {
        String[] found = new String[2];
        if (text == null) {
            return found;
        }
        try (var parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return found;
            }
            for (int i = 0; i < 4 && parser.nextToken() == JsonToken.FIELD_NAME; i++) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value != JsonToken.VALUE_STRING) {
                    break;
                }
                if ("type".equals(name)) {
                    found[0] = parser.getText();
                } else if ("requestId".equals(name)) {
                    found[1] = parser.getText();
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // what was found so far stands
        }
        return found;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** A known frame type with a missing or mistyped field. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Typed access to one JSON object of a frame; every miss names the field. */
    private static final class Fields {
        private final Map<?, ?> json;
        private final String where;

        Fields(Map<?, ?> json, String where) {
            this.json = json;
            this.where = where;
        }

        Object value(String field) {
            Object value = json.get(field);
            return value == JsonTree.NULL ? null : value;
        }

        String text(String field) {
            String text = optionalText(field);
            if (text == null) {
                throw new Malformed(where + "." + field + " must be a string");
            }
            return text;
        }

        String optionalText(String field) {
            Object value = value(field);
            if (value != null && !(value instanceof String)) {
                throw new Malformed(where + "." + field + " must be a string");
            }
            return (String) value;
        }

        long number(String field) {
            Long number = optionalLong(field);
            if (number == null) {
                throw new Malformed(where + "." + field + " must be an integer");
            }
            return number;
        }

        Long optionalLong(String field) {
            Object value = value(field);
            if (value != null && !(value instanceof Long)) {
                throw new Malformed(where + "." + field + " must be an integer");
            }
            return (Long) value;
        }

        boolean bool(String field) {
            Object value = value(field);
            if (value == null) {
                return false;
            }
            if (!(value instanceof Boolean bool)) {
                throw new Malformed(where + "." + field + " must be a boolean");
            }
            return bool;
        }

        List<Fields> objects(String field) {
            List<Fields> objects = new ArrayList<>();
            int i = 0;
            for (Object element : list(field)) {
                if (!(element instanceof Map<?, ?> object)) {
                    throw new Malformed(where + "." + field + "[" + i + "] must be an object");
                }
                objects.add(new Fields(object, where + "." + field + "[" + i++ + "]"));
            }
            return objects;
        }

        List<String> strings(String field) {
            List<String> strings = new ArrayList<>();
            for (Object element : list(field)) {
                if (!(element instanceof String text)) {
                    throw new Malformed(where + "." + field + " must hold strings");
                }
                strings.add(text);
            }
            return List.copyOf(strings);
        }

        private List<?> list(String field) {
            Object value = value(field);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                throw new Malformed(where + "." + field + " must be an array");
            }
            return list;
        }
    }
}
