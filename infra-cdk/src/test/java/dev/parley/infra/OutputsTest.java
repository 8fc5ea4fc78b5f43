package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.joinContaining;
import static dev.parley.infra.SynthesizedStack.ref;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputsTest {
    @Test
    void webSocketUrlIsTheWssAddressOfTheStage() {
        TEMPLATE.hasOutput("WebSocketUrl", Map.of("Value", joinContaining(
                "wss://", ".execute-api.", "/" + ParleyStack.STAGE_NAME)));
    }

    @Test
    void connectionsEndpointIsTheHttpsAddressOfTheSameStage() {
        TEMPLATE.hasOutput("ConnectionsEndpoint", Map.of("Value", joinContaining(
                "https://", ref(STACK.webSocket().api()), ".execute-api.", "/" + ParleyStack.STAGE_NAME)));
    }

    @Test
    void httpUrlIsTheDefaultStageOfTheHttpApi() {
        TEMPLATE.hasOutput("HttpUrl", Map.of("Value", joinContaining(
                "https://", ref(STACK.http().api()), ".execute-api.", "/")));
    }

    @Test
    void userPoolAndClientIdsAreOutputForTheCli() {
        TEMPLATE.hasOutput("UserPoolId", Map.of("Value", ref(STACK.auth().userPool())));
        TEMPLATE.hasOutput("UserPoolClientId", Map.of("Value",
                ref(STACK.auth().appClient())));
    }
}
