package dev.parley.model.protocol;

import dev.parley.model.domain.UserIds;
import dev.parley.model.errors.BadRequestException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code body.mentions} (protocol v2): the user ids a message mentions. The codec checks the
 * shape; the send path checks that each is a member of the conversation.
 */
public final class Mentions {
    /** More mentions than this is not a mention, it is a broadcast: refused as BAD_REQUEST. */
    public static final int MAX_MENTIONS = 50;

    private Mentions() {}

    /** Absent is fine; otherwise a list of at most 50 valid user ids. */
    static void validate(Object mentions) {
        if (mentions == null || mentions == JsonTree.NULL) {
            return;
        }
        if (!(mentions instanceof List<?> ids)) {
            throw new BadRequestException("body.mentions must be a list of user ids");
        }
        if (ids.size() > MAX_MENTIONS) {
            throw new BadRequestException("body.mentions holds at most " + MAX_MENTIONS + " user ids");
        }
        for (Object id : ids) {
            if (!(id instanceof String userId)) {
                throw new BadRequestException("body.mentions must be a list of user ids");
            }
            UserIds.require(userId, "body.mentions");
        }
    }

    /** The user ids a stored body mentions; empty when it mentions nobody. */
    public static Set<String> of(String bodyJson) {
        Set<String> mentioned = new LinkedHashSet<>();
        if (bodyJson == null || !bodyJson.contains("\"mentions\"")) {
            return mentioned;
        }
        try {
            if (JsonTree.parse(bodyJson) instanceof java.util.Map<?, ?> body && body.get("mentions") instanceof List<?> ids) {
                ids.forEach(id -> {
                    if (id instanceof String userId) {
                        mentioned.add(userId);
                    }
                });
            }
        } catch (java.io.IOException unreadable) {
            // stored bodies are valid JSON
        }
        return mentioned;
    }
}
