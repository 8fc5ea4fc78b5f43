package dev.parley.functions.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.support.Fixtures;
import dev.parley.functions.support.TestDynamo;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.routes.Catalogue;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 2: {@code ack} and {@code read} are one-way routes (a two-way route whose handler
 * answers no body sends an empty message on AWS). Nothing goes back on success; a refusal still
 * reaches the caller, as its error frame posted to the caller's connection.
 */
class OneWayRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the handlers posted over @connections: connection id, then frame. */
    private final List<String[]> posted = new CopyOnWriteArrayList<>();
    private final ConnectionPusher pusher = (connectionId, frame) -> {
        posted.add(new String[] {connectionId, frame});
        return ConnectionPusher.Outcome.DELIVERED;
    };
    private final Wiring wiring = new Wiring(TestDynamo.CONFIG, TestDynamo.client(), () -> null, () -> null, Clock.systemUTC());
    private final AckHandler ack = new AckHandler(wiring.receiptService(), () -> pusher);
    private final ReadHandler read = new ReadHandler(wiring.receiptService(), () -> pusher);

    @Test
    void theCatalogueDeclaresAckAndReadOneWay() {
        assertThat(Catalogue.webSocketRoutes()).filteredOn(route -> List.of("ack", "read").contains(route.routeKey()))
                .hasSize(2).noneMatch(route -> route.twoWay());
    }

    @Test
    void aRefusedAckOrReadAnswersNoBodyAndPostsItsErrorToTheCaller() throws Exception {
        for (String action : List.of("ack", "read")) {
            posted.clear();
            APIGatewayV2WebSocketEvent event = event(action,
                    "{\"action\":\"" + action + "\",\"requestId\":\"r-" + action + "\",\"conversationId\":\"grp:nowhere\",\"seq\":1}");

            APIGatewayV2WebSocketResponse response = (action.equals("ack") ? ack.handleRequest(event, null)
                    : read.handleRequest(event, null));

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getBody()).isNull();
            assertThat(posted).hasSize(1);
            assertThat(posted.get(0)[0]).isEqualTo(event.getRequestContext().getConnectionId());
            JsonNode error = JSON.readTree(posted.get(0)[1]);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("NOT_FOUND");
            assertThat(error.path("requestId").asText()).isEqualTo("r-" + action);
        }
    }

    @Test
    void aMalformedAckIsABadRequestPostedToTheCaller() throws Exception {
        APIGatewayV2WebSocketResponse response = ack.handleRequest(event("ack", "{\"action\":\"ack\",\"seq\":\"x\"}"), null);

        assertThat(response.getBody()).isNull();
        assertThat(posted).hasSize(1);
        assertThat(JSON.readTree(posted.get(0)[1]).path("code").asText()).isEqualTo("BAD_REQUEST");
    }

    private static APIGatewayV2WebSocketEvent event(String routeKey, String body) {
        APIGatewayV2WebSocketEvent event = Fixtures.event("websocket-send.json", APIGatewayV2WebSocketEvent.class);
        event.getRequestContext().setRouteKey(routeKey);
        event.setBody(body);
        return event;
    }
}
