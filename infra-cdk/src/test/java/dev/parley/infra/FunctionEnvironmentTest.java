package dev.parley.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.model.config.Setting;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionEnvironmentTest {
    private static FunctionEnvironment everyRequiredSetting() {
        FunctionEnvironment environment = new FunctionEnvironment();
        for (Setting setting : Setting.values()) {
            if (setting.defaultValue() == null) {
                environment.set(setting, "deployed-" + setting.name());
            }
        }
        return environment;
    }

    @Test
    void settingsWithoutADeployedValueKeepTheirLocalDefault() {
        Map<String, String> variables = everyRequiredSetting().toMap();

        assertThat(variables).containsEntry(Setting.IDEMPOTENCY_TTL_HOURS.name(), Setting.IDEMPOTENCY_TTL_HOURS.defaultValue());
        assertThat(variables).containsEntry(Setting.JWKS_URL.name(), "deployed-JWKS_URL");
    }

    @Test
    void dynamoDbEndpointIsNeverSetOnAws() {
        FunctionEnvironment environment = everyRequiredSetting().set(Setting.DYNAMODB_ENDPOINT, "http://localhost:8000");

        assertThat(environment.toMap()).doesNotContainKey(Setting.DYNAMODB_ENDPOINT.name());
    }

    @Test
    void aRequiredSettingTheStackDoesNotProvideFailsTheSynth() {
        assertThatThrownBy(() -> new FunctionEnvironment().toMap())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Setting.JWKS_URL.name());
    }
}
