package dev.parley.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stored message, as the server pushes it and as {@code sync} and {@code history} return it.
 * {@code (conversationId, seq)} identifies it. The body is the JSON object the sender sent; do
 * not modify it (it is shared with the client's bookkeeping).
 */
public record Message(String conversationId, long seq, String senderId, String clientMsgId, JsonNode body,
                      long sentAt) {

    /** {@code body.text}, or null when the body has no text. */
    public String text() {
        JsonNode text = body == null ? null : body.get("text");
        return text == null || !text.isTextual() ? null : text.asText();
    }
}
