package dev.parley.model.domain;

import dev.parley.model.errors.BadRequestException;
import java.util.regex.Pattern;

/**
 * User ids come from the token's {@code sub} (a Cognito UUID on AWS, any name locally). They are
 * restricted to characters that are safe in conversation ids and URL paths; ':' is the separator
 * inside direct conversation ids, so it may never appear in a user id.
 */
public final class UserIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.@+-]{1,128}");

    private UserIds() {}

    public static boolean isValid(String userId) {
        return userId != null && VALID.matcher(userId).matches();
    }

    public static String require(String userId, String field) {
        if (!isValid(userId)) {
            throw new BadRequestException(field + " must be 1-128 characters of [A-Za-z0-9_.@+-]");
        }
        return userId;
    }
}
