package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class StableLogicalIdsTest {
    private static final String ACCOUNT_ROLE_OPTION = "apiGatewayAccountRole=true ";

    @Test
    void everyDeployedResourceKeepsItsLogicalIdAndType() throws IOException {
        assertKept(resources(TEMPLATE), deployed().stream().filter(line -> !line.startsWith(ACCOUNT_ROLE_OPTION)).toList());
    }

    @Test
    void theAccountLoggingRoleKeepsItsDeployedIdsWhenItIsTurnedOn() throws IOException {
        List<String> optional = deployed().stream().filter(line -> line.startsWith(ACCOUNT_ROLE_OPTION))
                .map(line -> line.substring(ACCOUNT_ROLE_OPTION.length())).toList();
        assertThat(optional).hasSize(2);
        assertKept(resources(SynthesizedStack.withContext(Map.of("apiGatewayAccountRole", "true"))), optional);
    }

    private static void assertKept(Map<String, Object> resources, List<String> lines) {
        for (String line : lines) {
            String[] typeAndId = line.split(" ");
            assertThat(resources).as("deployed resource %s", line).containsKey(typeAndId[1]);
            assertThat(((Map<?, ?>) resources.get(typeAndId[1])).get("Type")).as(line).isEqualTo(typeAndId[0]);
        }
    }

    @Test
    void theAlgorithmIsTheCdksForTopLevelAndNestedPaths() {
        // Ids as the CDK computed them for the deployed stack (see deployed-logical-ids.txt).
        assertThat(StableLogicalIds.of(List.of("ApiGatewayAccount"))).isEqualTo("ApiGatewayAccount");
        assertThat(StableLogicalIds.of(List.of("MessagesTable", "Resource"))).isEqualTo("MessagesTable05B58A27");
        assertThat(StableLogicalIds.of(List.of("UserPool", "AppClient", "Resource"))).isEqualTo("UserPoolAppClientDD0407EC");
        assertThat(StableLogicalIds.of(List.of("Parley", "MessagesTable"))).isEqualTo("ParleyMessagesTable7C7E8D8D");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resources(Template template) {
        return (Map<String, Object>) template.toJSON().get("Resources");
    }

    private static List<String> deployed() throws IOException {
        try (InputStream in = StableLogicalIdsTest.class.getResourceAsStream("/deployed-logical-ids.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }
}
