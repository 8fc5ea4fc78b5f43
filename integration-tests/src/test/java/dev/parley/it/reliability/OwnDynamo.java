package dev.parley.it.reliability;

import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The test's own DynamoDB client on a runtime's tables: faults injected into the functions'
 * client (throttling, failures) never reach the reads a test makes to check what is stored.
 */
final class OwnDynamo {
    private final LocalRuntime runtime;
    private final DynamoDbClient client;

    OwnDynamo(LocalRuntime runtime) {
        this.runtime = runtime;
        this.client = DynamoDbClient.builder()
                .endpointOverride(URI.create(runtime.config().get(Setting.DYNAMODB_ENDPOINT)))
                .region(Backends.region())
                .credentialsProvider(Backends.credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    DynamoDbClient client() {
        return client;
    }

    String table(Setting table) {
        return runtime.config().get(table);
    }

    /** The user's connection mappings, connection id to device id. */
    Map<String, String> connectionsOf(String userId) {
        Map<String, String> connections = new LinkedHashMap<>();
        client.query(q -> q
                        .tableName(table(Setting.CONNECTIONS_TABLE))
                        .keyConditionExpression("#u = :u")
                        .expressionAttributeNames(Map.of("#u", Tables.Connections.USER_ID))
                        .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId)))
                        .consistentRead(true))
                .items().stream()
                .filter(item -> !Tables.Connections.LIVE_ITEM.equals(item.get(Tables.Connections.CONNECTION_ID).s()))
                .forEach(item -> connections.put(item.get(Tables.Connections.CONNECTION_ID).s(),
                        item.containsKey(Tables.Connections.DEVICE_ID) ? item.get(Tables.Connections.DEVICE_ID).s() : null));
        return connections;
    }
}
