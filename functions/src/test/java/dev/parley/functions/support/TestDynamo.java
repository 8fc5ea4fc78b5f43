package dev.parley.functions.support;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.dynamodb.local.TableBootstrap;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB Local with Parley's tables, started once per test JVM. Tests use unique ids. */
public final class TestDynamo {
    private static DynamoDbLocal server;
    private static DynamoDbClient client;
    public static final ParleyConfig CONFIG = ParleyConfig.fromEnvironment(Map.of(
            Setting.JWKS_URL.name(), "http://127.0.0.1:1/unused",
            Setting.JWT_ISSUER.name(), "https://issuer.test",
            Setting.CONNECTIONS_ENDPOINT.name(), "http://127.0.0.1:1"));

    private TestDynamo() {}

    public static synchronized DynamoDbClient client() {
        if (client == null) {
            server = DynamoDbLocal.start(Optional.empty());
            client = server.client();
            TableBootstrap.createMissing(client, CONFIG);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return client;
    }

    /** Another client of the same DynamoDB Local, with interceptors (e.g. {@link GrantGuard}). */
    public static DynamoDbClient client(software.amazon.awssdk.core.interceptor.ExecutionInterceptor... interceptors) {
        client();
        return server.client(interceptors);
    }

    public static String table(Setting setting) {
        return CONFIG.get(setting);
    }

    public static Map<String, AttributeValue> get(Setting table, Map<String, AttributeValue> key) {
        return client().getItem(g -> g.tableName(table(table)).key(key).consistentRead(true)).item();
    }
}
