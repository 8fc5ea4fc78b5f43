package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.ref;

import dev.parley.model.config.Setting;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class FunctionsTest {
    @Test
    void everyHandlerRunsOnJava25Arm64With1024Mb() {
        TEMPLATE.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of(
                "Runtime", "java25",
                "Architectures", java.util.List.of("arm64"),
                "MemorySize", 1024), Catalogue.ALL.size());
        for (FunctionSpec spec : Catalogue.ALL) {
            TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", spec.lambdaHandler()));
        }
    }

    @Test
    void exactlyTheCataloguesSnapStartFunctionsUseSnapStart() {
        for (FunctionSpec spec : Catalogue.ALL) {
            TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", spec.lambdaHandler(),
                    "SnapStart", spec.snapStart()
                            ? Map.of("ApplyOn", "PublishedVersions")
                            : Match.absent()));
        }
        TEMPLATE.resourcePropertiesCountIs("AWS::Lambda::Function",
                Map.of("SnapStart", Map.of("ApplyOn", "PublishedVersions")),
                (int) Catalogue.ALL.stream().filter(FunctionSpec::snapStart).count());
    }

    @Test
    void everyFunctionHasALiveAliasOnItsPublishedVersion() {
        for (FunctionSpec spec : Catalogue.ALL) {
            TEMPLATE.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                    "Name", "live",
                    "FunctionName", ref(function(spec).function()),
                    "FunctionVersion", Match.objectLike(Map.of("Fn::GetAtt", Match.arrayWith(java.util.List.of("Version"))))));
        }
        TEMPLATE.resourceCountIs("AWS::Lambda::Version", Catalogue.ALL.size());
    }

    @Test
    void everyFunctionHasItsCatalogueTimeout() {
        for (FunctionSpec spec : Catalogue.ALL) {
            TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", spec.lambdaHandler(), "Timeout", (int) spec.timeout().toSeconds()));
        }
        TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", Catalogue.SEND.lambdaHandler(), "Timeout", 10));
    }

    @Test
    void functionsSeeEverySettingWithDeployedTableNamesAndNoDynamoDbEndpoint() {
        Map<String, Object> variables = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            variables.put(setting.name(), setting.defaultValue() == null ? Match.anyValue() : setting.defaultValue());
        }
        for (TableDefinition definition : Tables.ALL) {
            variables.put(definition.envVar(), ref(SynthesizedStack.table(definition)));
        }
        variables.put(Setting.JWT_AUDIENCE.name(), Match.anyValue());
        variables.put(Setting.FANOUT_QUEUE_URL.name(), ref(SynthesizedStack.STACK.fanoutChunks().queue()));
        variables.put(Setting.NOTIFY_QUEUE_URL.name(), ref(SynthesizedStack.STACK.notifications().queue()));
        variables.put(Setting.ATTACHMENTS_BUCKET.name(), ref(SynthesizedStack.STACK.attachments().bucket()));
        variables.put(Setting.CONNECTIONS_ENDPOINT.name(), SynthesizedStack.joinContaining(
                "https://", ".execute-api.", "/" + ParleyStack.STAGE_NAME));
        // On AWS the SDK's regional endpoint applies; the override exists for DynamoDB Local only.
        variables.put(Setting.DYNAMODB_ENDPOINT.name(), Match.absent());

        TEMPLATE.resourcePropertiesCountIs("AWS::Lambda::Function",
                Map.of("Environment", Map.of("Variables", variables)), Catalogue.ALL.size());
    }

    @Test
    void logsAreKeptForAMonth() {
        for (FunctionSpec spec : Catalogue.ALL) {
            TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", spec.lambdaHandler(),
                    "LoggingConfig", Map.of("LogGroup", Match.objectLike(Map.of(
                            "Ref", Match.stringLikeRegexp("^" + spec.id() + "Logs.*"))))));
        }
        TEMPLATE.resourcePropertiesCountIs("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30),
                Catalogue.ALL.size() + 2);
    }
}
