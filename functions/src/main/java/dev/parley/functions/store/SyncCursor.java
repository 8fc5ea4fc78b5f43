package dev.parley.functions.store;

import dev.parley.model.errors.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A device's position in its user's change order (the v2 single-cursor {@code sync}), as an
 * opaque token on the wire.
 *
 * <p>At rest a cursor is a time, {@code since}: the device holds every entry change made up to
 * it. Within a pass over more than one page it also carries where the previous page ended
 * ({@code resumeChangedAt}, {@code resumeConversationId}) and the pass's floor
 * ({@code passFloor}: the start of the pass minus {@link InboxStore#CHANGE_HORIZON}), which
 * becomes the next resting {@code since}. docs/data-model.md ("One cursor per device") explains
 * why the resting cursor trails the present by the horizon.
 */
public record SyncCursor(long since, long passFloor, Long resumeChangedAt, String resumeConversationId) {
    private static final String VERSION = "1";

    /** A device that holds nothing: every entry is new to it. */
    public static final SyncCursor START = new SyncCursor(0, 0, null, null);

    public static SyncCursor resting(long since) {
        return new SyncCursor(since, 0, null, null);
    }

    public boolean resuming() {
        return resumeConversationId != null;
    }

    /** The wire form: URL-safe base64 without padding of {@code 1:since[:passFloor:changedAt:conversationId]}. */
    public String token() {
        String plain = VERSION + ':' + since
                + (resuming() ? ":" + passFloor + ':' + resumeChangedAt + ':' + resumeConversationId : "");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The empty token is {@link #START}; anything not made by {@link #token()} is a bad request. */
    public static SyncCursor parse(String token) {
        if (token == null || token.isEmpty()) {
            return START;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 5);
            if (!VERSION.equals(parts[0]) || (parts.length != 2 && parts.length != 5)) {
                throw new IllegalArgumentException(plain);
            }
            long since = Long.parseLong(parts[1]);
            if (parts.length == 2) {
                return resting(since);
            }
            if (parts[4].isEmpty()) {
                throw new IllegalArgumentException(plain);
            }
            return new SyncCursor(since, Long.parseLong(parts[2]), Long.parseLong(parts[3]), parts[4]);
        } catch (IllegalArgumentException unreadable) {
            throw new BadRequestException("since is not a cursor this server gave out");
        }
    }
}
