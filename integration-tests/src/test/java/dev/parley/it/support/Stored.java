package dev.parley.it.support;

import dev.parley.testsupport.tables.StoredItems;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads what the functions stored in the shared runtime's tables, for assertions (test-support's {@link StoredItems}). */
public final class Stored {
    private Stored() {}

    public static StoredItems items() {
        var runtime = Parley.runtime();
        return new StoredItems(runtime.dynamo(), runtime.config());
    }

    /** Every timeline item of the conversation (messages and gaps), in seq order. */
    public static List<Map<String, AttributeValue>> timeline(String conversationId) {
        return items().timeline(conversationId);
    }

    public static List<Map<String, AttributeValue>> messages(String conversationId) {
        return items().messages(conversationId);
    }

    /** Connection ids the connections table holds for the user. */
    public static List<String> connectionsOf(String userId) {
        return items().connectionsOf(userId);
    }
}
