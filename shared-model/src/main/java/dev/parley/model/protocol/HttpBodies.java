package dev.parley.model.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.parley.model.domain.ConversationSummary;
import dev.parley.model.domain.Group;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.MessagePage;
import dev.parley.model.domain.PresenceState;
import dev.parley.model.errors.ErrorCode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one codec of the HTTP API's response bodies (docs/openapi.yaml), beside {@link FrameCodec}
 * for WebSocket frames: messages are written with the same fields as in frames, bodies as the
 * raw JSON they were stored as.
 */
public final class HttpBodies {
    private static final JsonFactory FACTORY = new JsonFactory();

    private HttpBodies() {}

    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * {@code POST /conversations/{id}/messages} and {@code POST /users/{userId}/messages}: the fields
     * of the {@code sent} frame (without {@code type} and {@code requestId}).
     */
    public static String sent(String conversationId, String clientMsgId, long seq, long sentAt) {
        return object(g -> {
            g.writeStringField("conversationId", conversationId);
            g.writeStringField("clientMsgId", clientMsgId);
            g.writeNumberField("seq", seq);
            g.writeNumberField("sentAt", sentAt);
        });
    }

    /** {@code GET /conversations}: every conversation with its cursors, and their unread total. */
    public static String conversations(List<ConversationSummary> conversations) {
        return object(g -> {
            g.writeArrayFieldStart("conversations");
            long total = 0;
            for (ConversationSummary conversation : conversations) {
                g.writeStartObject();
                g.writeStringField("conversationId", conversation.conversationId());
                g.writeStringField("kind", conversation.kind());
                if (conversation.name() != null) {
                    g.writeStringField("name", conversation.name());
                }
                if ("group".equals(conversation.kind())) {
                    g.writeBooleanField("admin", conversation.admin());
                }
                g.writeNumberField("lastSeq", conversation.lastSeq());
                g.writeNumberField("readSeq", conversation.readSeq());
                g.writeNumberField("unread", conversation.unread());
                g.writeEndObject();
                total += conversation.unread();
            }
            g.writeEndArray();
            g.writeNumberField("totalUnread", total);
        });
    }

    /**
     * {@code GET /conversations?limit=&cursor=}: a page of conversations, newest activity first,
     * the page's unread total, and {@code cursor} when more follow.
     */
    public static String conversationPage(List<dev.parley.model.domain.ConversationState> page, String cursor) {
        return object(g -> {
            g.writeArrayFieldStart("conversations");
            long total = 0;
            for (dev.parley.model.domain.ConversationState state : page) {
                g.writeStartObject();
                FrameCodec.writeConversationState(state, g);
                g.writeEndObject();
                total += state.unread();
            }
            g.writeEndArray();
            g.writeNumberField("totalUnread", total);
            if (cursor != null) {
                g.writeStringField("cursor", cursor);
            }
        });
    }

    /** {@code GET /conversations/{id}/messages}. */
    public static String messages(MessagePage page) {
        return object(g -> {
            g.writeArrayFieldStart("messages");
            for (Message message : page.messages()) {
                g.writeStartObject();
                FrameCodec.writeMessageFields(message, g);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("hasMore", page.hasMore());
        });
    }

    /** {@code GET /presence}. */
    public static String presence(List<PresenceState> states) {
        return object(g -> {
            g.writeArrayFieldStart("presence");
            for (PresenceState state : states) {
                g.writeStartObject();
                g.writeStringField("userId", state.userId());
                g.writeBooleanField("online", state.online());
                g.writeNumberField("lastActiveAt", state.lastActiveAt());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** {@code POST /groups}, {@code POST /groups/{id}/members} and {@code PATCH /groups/{id}}. */
    public static String group(Group group) {
        return object(g -> {
            g.writeStringField("conversationId", group.conversationId());
            g.writeStringField("kind", "group");
            g.writeStringField("name", group.name());
            strings(g, "members", group.members());
            strings(g, "admins", group.admins());
        });
    }

    /**
     * {@code GET /groups/{id}/members?limit=&cursor=}: one page of a group's members in user id
     * order, each with whether they are an admin, the group's member count, and {@code cursor}
     * when more follow.
     */
    public static String memberPage(String conversationId, long memberCount, List<String> members, List<String> admins,
                                    String cursor) {
        return object(g -> {
            g.writeStringField("conversationId", conversationId);
            g.writeNumberField("memberCount", memberCount);
            g.writeArrayFieldStart("members");
            java.util.Set<String> adminSet = java.util.Set.copyOf(admins);
            for (String member : members) {
                g.writeStartObject();
                g.writeStringField("userId", member);
                g.writeBooleanField("admin", adminSet.contains(member));
                g.writeEndObject();
            }
            g.writeEndArray();
            if (cursor != null) {
                g.writeStringField("cursor", cursor);
            }
        });
    }

    /**
     * {@code GET /groups/{id}/reads}: how far each other member has read (groups up to the
     * receipts limit), for "read by N" under a message: the members whose {@code readSeq} is at or
     * past its seq.
     */
    public static String reads(String conversationId, long memberCount, java.util.Map<String, Long> readSeqs) {
        return object(g -> {
            g.writeStringField("conversationId", conversationId);
            g.writeNumberField("memberCount", memberCount);
            g.writeArrayFieldStart("reads");
            for (java.util.Map.Entry<String, Long> read : readSeqs.entrySet()) {
                g.writeStartObject();
                g.writeStringField("userId", read.getKey());
                g.writeNumberField("readSeq", read.getValue());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** {@code GET /blocks}: the users the caller blocked. */
    public static String blocked(List<String> userIds) {
        return object(g -> strings(g, "blocked", userIds));
    }

    /** {@code PUT /conversations/{id}/settings}: the caller's settings of the conversation after the change. */
    public static String conversationSettings(String conversationId, boolean muted) {
        return object(g -> {
            g.writeStringField("conversationId", conversationId);
            g.writeBooleanField("muted", muted);
        });
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    /** Every refusal: {@code {"code","message"}}, with {@code retryAfterMs} for RATE_LIMITED. */
    public static String error(ErrorCode code, String message, Long retryAfterMs) {
        return object(g -> {
            g.writeStringField("code", code.name());
            g.writeStringField("message", message);
            if (retryAfterMs != null) {
                g.writeNumberField("retryAfterMs", retryAfterMs);
            }
        });
    }

    private static String object(Writer fields) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
