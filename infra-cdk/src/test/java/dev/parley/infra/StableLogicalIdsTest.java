package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StableLogicalIdsTest {
    @Test
    void everyDeployedResourceKeepsItsLogicalIdAndType() throws IOException {
        Map<String, Object> resources = resources();
        for (String line : deployed()) {
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
    private static Map<String, Object> resources() {
        return (Map<String, Object>) TEMPLATE.toJSON().get("Resources");
    }

    private static List<String> deployed() throws IOException {
        try (InputStream in = StableLogicalIdsTest.class.getResourceAsStream("/deployed-logical-ids.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }
}
