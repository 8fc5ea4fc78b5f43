package dev.parley.model.domain;

import dev.parley.model.errors.BadRequestException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Conversation ids. A direct conversation's id is derived from its two user ids, sorted, so both
 * sides (and every retry) arrive at the same id without a lookup: {@code dm:alice:bob}. Its
 * membership is the id itself, which spares the send path a membership read. Group ids are
 * {@code grp:} followed by a random token.
 */
public final class ConversationId {
    public static final String DIRECT_PREFIX = "dm:";
    public static final String GROUP_PREFIX = "grp:";
    private static final Pattern GROUP_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ConversationId() {}

    public static String direct(String userA, String userB) {
        return userA.compareTo(userB) <= 0
                ? DIRECT_PREFIX + userA + ':' + userB
                : DIRECT_PREFIX + userB + ':' + userA;
    }

    public static String group(String token) {
        return GROUP_PREFIX + token;
    }

    public static boolean isDirect(String conversationId) {
        return conversationId.startsWith(DIRECT_PREFIX);
    }

    /** The two members of a direct conversation (one, for a conversation with oneself). */
    public static List<String> directMembers(String conversationId) {
        String[] parts = conversationId.substring(DIRECT_PREFIX.length()).split(":", -1);
        return parts[0].equals(parts[1]) ? List.of(parts[0]) : List.of(parts[0], parts[1]);
    }

    /** Rejects anything that is not a well-formed direct or group id, before any table is read. */
    public static String require(String conversationId) {
        if (conversationId != null) {
            if (conversationId.startsWith(DIRECT_PREFIX)) {
                String[] parts = conversationId.substring(DIRECT_PREFIX.length()).split(":", -1);
                if (parts.length == 2 && UserIds.isValid(parts[0]) && UserIds.isValid(parts[1])
                        && parts[0].compareTo(parts[1]) <= 0) {
                    return conversationId;
                }
            } else if (conversationId.startsWith(GROUP_PREFIX)
                    && GROUP_TOKEN.matcher(conversationId.substring(GROUP_PREFIX.length())).matches()) {
                return conversationId;
            }
        }
        throw new BadRequestException("conversationId is not a valid conversation id");
    }
}
