package dev.parley.it.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.Message;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the server holds for a conversation: the reference every device's view is compared with.
 * In-process runtimes are read straight from DynamoDB (messages and declared gaps); a runtime in a
 * child process is read over the HTTP API as a member (messages only).
 */
@FunctionalInterface
interface Timeline {

    /** One stored timeline entry. {@code gap}: the seq holds no message and never will. */
    record Entry(long seq, boolean gap, String senderId, String clientMsgId) {}

    List<Entry> entries(String conversationId);

    default List<Entry> messages(String conversationId) {
        return entries(conversationId).stream().filter(entry -> !entry.gap()).toList();
    }

    default List<Long> messageSeqs(String conversationId) {
        return messages(conversationId).stream().map(Entry::seq).toList();
    }

    default List<Long> gapSeqs(String conversationId) {
        return entries(conversationId).stream().filter(Entry::gap).map(Entry::seq).toList();
    }

    /**
     * The messages table of an in-process runtime, strongly consistent, in seq order. Read with a
     * client of the test's own, so faults injected into the functions' client never touch it.
     */
    static Timeline storedIn(LocalRuntime runtime) {
        OwnDynamo own = new OwnDynamo(runtime);
        return conversationId -> own.client().queryPaginator(q -> q
                        .tableName(own.table(Setting.MESSAGES_TABLE))
                        .keyConditionExpression("#c = :c")
                        .expressionAttributeNames(Map.of("#c", Tables.Messages.CONVERSATION_ID))
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversationId)))
                        .consistentRead(true))
                .items().stream()
                // A group's membership changes are entries of its timeline too (kind member): no
                // send made them and the SDK hands them to onMemberEntry, not onMessage.
                .filter(item -> !Message.Event.MEMBER.equals(text(item.get(Tables.Messages.KIND))))
                .map(item -> new Entry(Long.parseLong(item.get(Tables.Messages.SEQ).n()),
                        Tables.Messages.TYPE_GAP.equals(item.get(Tables.Messages.ENTRY_TYPE).s()),
                        text(item.get(Tables.Messages.SENDER_ID)), text(item.get(Tables.Messages.CLIENT_MSG_ID))))
                .toList();
    }

    /**
     * The conversation as {@code member} pages through it over the HTTP API (messages only). Pages
     * never span a hole, so while a young hole holds the timeline (a send cut by a crash, not yet
     * older than the hole timeout) the reading fails with an {@link AssertionError}: an awaiting
     * caller tries again, a plain one fails rather than compare with half a timeline.
     */
    static Timeline overHttp(Endpoint endpoint, String member) {
        return conversationId -> {
            List<Entry> entries = new ArrayList<>();
            long after = 0;
            while (true) {
                JsonNode page = endpoint.messagesAfter(member, conversationId, after, 200);
                for (JsonNode message : page.get("messages")) {
                    after = message.get("seq").asLong();
                    if ("member".equals(message.path("kind").asText())) {
                        continue; // a membership change, not a message (as in storedIn)
                    }
                    entries.add(new Entry(after, false, message.get("senderId").asText(),
                            message.get("clientMsgId").asText()));
                }
                if (!page.get("hasMore").asBoolean()) {
                    return entries;
                }
                if (page.get("messages").isEmpty()) {
                    throw new AssertionError(conversationId + " is held after seq " + after + " by a young hole");
                }
            }
        };
    }

    private static String text(AttributeValue value) {
        return value == null ? null : value.s();
    }
}
