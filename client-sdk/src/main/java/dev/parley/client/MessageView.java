package dev.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A message as it stands now, as the client keeps it: the timeline's entries applied in seq order
 * (or a page's state, then the later entries), which is what the server's {@code history} says.
 * {@code body} is null once deleted; {@code editedAt} 0 until edited.
 */
public record MessageView(String conversationId, long seq, String senderId, JsonNode body, long sentAt, long replyTo,
                          long editedAt, boolean deleted, List<Message.Reaction> reactions) {

    /** {@code body.text}, or null. */
    public String text() {
        JsonNode text = body == null ? null : body.get("text");
        return text == null || !text.isTextual() ? null : text.asText();
    }

    /** The count of one emoji's reactions (0 when none). */
    public long reactions(String emoji) {
        return reactions.stream().filter(r -> r.emoji().equals(emoji)).mapToLong(Message.Reaction::count).sum();
    }
}
