package dev.parley.infra;

import dev.parley.model.config.Setting;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables every function gets, derived from {@link Setting}: the same names and
 * defaults the local runtime uses, with the values only a deployment knows (table names, the
 * Cognito issuer, the @connections endpoint) filled in by the stack.
 */
final class FunctionEnvironment {
    private final Map<Setting, String> deployed = new EnumMap<>(Setting.class);

    /** Sets a value the deployment decides; it wins over the setting's default. */
    FunctionEnvironment set(Setting setting, String value) {
        deployed.put(setting, value);
        return this;
    }

    /**
     * Every setting as a variable: the deployed value, else the default.
     *
     * @throws IllegalStateException if a setting has neither, so that a new required setting
     *     fails the synth instead of the first invocation
     */
    Map<String, String> toMap() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (setting == Setting.DYNAMODB_ENDPOINT) {
                // On AWS the SDK's regional endpoint is the right one; the override is for DynamoDB Local.
                continue;
            }
            String value = deployed.getOrDefault(setting, setting.defaultValue());
            if (value == null) {
                throw new IllegalStateException("Setting " + setting.name()
                        + " has no default and the stack does not provide it: set it in ParleyStack");
            }
            environment.put(setting.name(), value);
        }
        return environment;
    }
}
