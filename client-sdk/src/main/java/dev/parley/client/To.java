package dev.parley.client;

import java.util.Objects;

/**
 * The destination of a send: a conversation by id, or a user (the direct conversation with
 * them, which the server creates on first use).
 */
public record To(String conversationId, String userId) {
    public To {
        if ((conversationId == null) == (userId == null)) {
            throw new IllegalArgumentException("exactly one of conversationId and userId");
        }
    }

    public static To conversation(String conversationId) {
        return new To(Objects.requireNonNull(conversationId, "conversationId"), null);
    }

    public static To user(String userId) {
        return new To(null, Objects.requireNonNull(userId, "userId"));
    }

    /**
     * The key sends are ordered by. A conversation addressed both ways forms two queues, since
     * the client does not derive direct conversation ids itself.
     */
    public String orderingKey() {
        return conversationId != null ? "c:" + conversationId : "u:" + userId;
    }
}
