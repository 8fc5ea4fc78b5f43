package dev.parley.it.localstack;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import java.util.Arrays;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The backend the integration tests run on: the embedded DynamoDB Local (default), or LocalStack
 * when {@code -Dparley.backend=localstack} (what {@code mvn verify -Plocalstack} sets). Test code
 * starts its runtimes from {@link #options()} and reads tables with {@link #region()} and
 * {@link #credentials()}, so the same tests run on either.
 */
public final class Backend {
    public static final String PROPERTY = "parley.backend";
    public static final String LOCALSTACK = "localstack";

    private Backend() {}

    public static boolean isLocalStack() {
        return LOCALSTACK.equals(System.getProperty(PROPERTY));
    }

    /**
     * Options for a runtime on the selected backend. On LocalStack every runtime gets tables of
     * its own (a unique name prefix): runtimes of one test JVM share the container, and a new
     * runtime's stream poller must not replay another's messages. Skips the calling test when
     * LocalStack's preconditions are missing (see {@link LocalStack}).
     */
    public static LocalRuntime.Options.Builder options() {
        LocalRuntime.Options.Builder options = LocalRuntime.Options.builder();
        if (!isLocalStack()) {
            return options;
        }
        LocalStack.Endpoint localStack = LocalStack.endpoint();
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (Setting table : Arrays.stream(Setting.values()).filter(s -> s.name().endsWith("_TABLE")).toList()) {
            options.setting(table, prefix + table.defaultValue());
        }
        return options.externalDynamoDb(localStack.uri(), localStack.region(), localStack.credentials());
    }

    public static Region region() {
        return isLocalStack() ? LocalStack.endpoint().region() : DynamoDbLocal.REGION;
    }

    public static AwsCredentialsProvider credentials() {
        return isLocalStack() ? LocalStack.endpoint().credentials() : DynamoDbLocal.CREDENTIALS;
    }
}
