package dev.parley.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import java.util.Optional;

/**
 * What the gateway invokes, as API Gateway invokes Lambda integrations: the {@code $connect}
 * authorizer and the function behind each route. The local runtime implements it with the
 * function code now loaded (replaced on reload); tests implement it with stubs.
 */
public interface Integrations {

    /** A WebSocket route of the API. {@code twoWay}: the route has a route response. */
    record Route(String routeKey, boolean twoWay) {}

    /** The route with this key, if the API has one. */
    Optional<Route> route(String routeKey);

    /** The REQUEST authorizer of {@code $connect}; throws {@code RuntimeException("Unauthorized")} to refuse. */
    IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event);

    /** Invokes the integration of a route; the answer's body is the route response of a two-way route. */
    APIGatewayV2WebSocketResponse invoke(String routeKey, APIGatewayV2WebSocketEvent event);

    /**
     * Invokes {@code $disconnect} with the close's status code and reason, which API Gateway adds
     * to the event's {@code requestContext} as {@code disconnectStatusCode} and
     * {@code disconnectReason} (fields the typed event has no room for).
     */
    default void disconnect(APIGatewayV2WebSocketEvent event, int statusCode, String reason) {
        invoke("$disconnect", event);
    }
}
