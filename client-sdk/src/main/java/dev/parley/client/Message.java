package dev.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A stored timeline entry, as the server pushes it and as {@code sync} and {@code history} return
 * it. {@code (conversationId, seq)} identifies it. The body is the JSON object the sender sent; do
 * not modify it (it is shared with the client's bookkeeping).
 *
 * <p>Protocol v2: an entry with an {@link #event()} is an edit, a deletion or a reaction of the
 * message at {@link Event#targetSeq()} (its body is the new body of an edit, else null); such
 * entries reach {@link MessageListener#onEdit}, {@link MessageListener#onDelete} and
 * {@link MessageListener#onReaction}, never {@link MessageListener#onMessage}. {@code replyTo} is
 * the seq of the message this one answers (0: none). {@code state} is the message's state as a
 * sync or history page reported it (null on pushes): see {@link MessageView} for the state the
 * client keeps.
 */
public record Message(String conversationId, long seq, String senderId, String clientMsgId, JsonNode body,
                      long sentAt, long replyTo, Event event, State state) {

    /** A plain message (protocol v1). */
    public Message(String conversationId, long seq, String senderId, String clientMsgId, JsonNode body, long sentAt) {
        this(conversationId, seq, senderId, clientMsgId, body, sentAt, 0, null, null);
    }

    /** {@code body.text}, or null when the body has no text. */
    public String text() {
        JsonNode text = body == null ? null : body.get("text");
        return text == null || !text.isTextual() ? null : text.asText();
    }

    public boolean isEvent() {
        return event != null;
    }

    /**
     * What an event entry does: {@code kind} is {@code edit}, {@code delete} or {@code reaction}
     * ({@code emoji} added, or taken back when {@code remove}).
     */
    public record Event(String kind, long targetSeq, String emoji, boolean remove) {
        public static final String EDIT = "edit";
        public static final String DELETE = "delete";
        public static final String REACTION = "reaction";
        /** A group's membership change (no target; its body is the change: {@code MessageListener.onMemberEntry}). */
        public static final String MEMBER = "member";
    }

    /**
     * A message's state in a page: edited when ({@code editedAt}, 0 if never), deleted, reactions,
     * and {@code stateSeq}: the seq of the last event it holds.
     */
    public record State(long editedAt, boolean deleted, List<Reaction> reactions, long stateSeq) {}

    /** One emoji's reactions: how many, and whether the user is one of them. */
    public record Reaction(String emoji, long count, boolean me) {}
}
