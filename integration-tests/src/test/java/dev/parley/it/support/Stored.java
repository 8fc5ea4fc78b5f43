package dev.parley.it.support;

import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads what the functions stored, straight from DynamoDB Local, for assertions. */
public final class Stored {
    private Stored() {}

    /** Every timeline item of the conversation (messages and gaps), in seq order. */
    public static List<Map<String, AttributeValue>> timeline(String conversationId) {
        var runtime = Parley.runtime();
        return runtime.dynamo().queryPaginator(q -> q
                        .tableName(runtime.config().get(Setting.MESSAGES_TABLE))
                        .keyConditionExpression("#c = :c")
                        .expressionAttributeNames(Map.of("#c", Tables.Messages.CONVERSATION_ID))
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversationId)))
                        .consistentRead(true))
                .items().stream().toList();
    }

    public static List<Map<String, AttributeValue>> messages(String conversationId) {
        return timeline(conversationId).stream()
                .filter(item -> Tables.Messages.TYPE_MESSAGE.equals(item.get(Tables.Messages.ENTRY_TYPE).s()))
                .toList();
    }

    /** Connection ids the connections table holds for the user. */
    public static List<String> connectionsOf(String userId) {
        var runtime = Parley.runtime();
        return runtime.dynamo().query(q -> q
                        .tableName(runtime.config().get(Setting.CONNECTIONS_TABLE))
                        .keyConditionExpression("#u = :u")
                        .expressionAttributeNames(Map.of("#u", Tables.Connections.USER_ID))
                        .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId)))
                        .consistentRead(true))
                .items().stream().map(item -> item.get(Tables.Connections.CONNECTION_ID).s()).toList();
    }
}
