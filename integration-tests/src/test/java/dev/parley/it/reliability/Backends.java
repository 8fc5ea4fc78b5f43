package dev.parley.it.reliability;

import dev.parley.it.localstack.Backend;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where the suites' own runtimes keep their tables: the backend the test run selected
 * ({@link Backend}: DynamoDB Local, or LocalStack with {@code -Plocalstack}).
 */
final class Backends {
    private Backends() {}

    /** WARN and above only: one INFO line per request would bury what the suites print. */
    static LocalRuntime.Options.Builder options() {
        return Backend.options().setting(Setting.LOG_LEVEL, "WARN");
    }

    /** The name a table will have in a runtime started with {@code options}. */
    static String table(LocalRuntime.Options options, Setting table) {
        return options.settings().getOrDefault(table, table.defaultValue());
    }

    static Region region() {
        return Backend.region();
    }

    static AwsCredentialsProvider credentials() {
        return Backend.credentials();
    }
}
