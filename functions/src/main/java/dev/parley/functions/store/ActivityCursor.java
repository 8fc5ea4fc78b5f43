package dev.parley.functions.store;

import dev.parley.model.errors.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of the conversation list (newest activity first) ended, as an opaque token:
 * the next page starts after this entry.
 */
public record ActivityCursor(long activeAt, String conversationId) {
    private static final String VERSION = "1";

    public String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (VERSION + ':' + activeAt + ':' + conversationId).getBytes(StandardCharsets.UTF_8));
    }

    /** Null or empty: the first page. */
    public static ActivityCursor parse(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
            if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[2].isEmpty()) {
                throw new IllegalArgumentException(token);
            }
            return new ActivityCursor(Long.parseLong(parts[1]), parts[2]);
        } catch (IllegalArgumentException unreadable) {
            throw new BadRequestException("cursor is not one this server gave out");
        }
    }
}
