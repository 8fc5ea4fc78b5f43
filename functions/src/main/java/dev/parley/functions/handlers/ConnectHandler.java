package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.Caller;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.service.TooManyConnectionsException;
import dev.parley.functions.wiring.Wiring;

/** {@code $connect}, after the authorizer allowed it: records the connection under its user. */
public final class ConnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ConnectionService connections;

    public ConnectHandler() {
        this(Wiring.fromEnvironment());
    }

    public ConnectHandler(Wiring wiring) {
        this(wiring.connectionService());
    }

    public ConnectHandler(ConnectionService connections) {
        this.connections = connections;
    }

    /**
     * A failure here fails the upgrade (API Gateway answers 500): better than a connection nobody
     * can reach. A user over their share of connections gets 429: a non-2xx answer of the
     * {@code $connect} integration refuses the upgrade, so no socket opens (API Gateway developer
     * guide, "Set up a $connect route that requires a WebSocket subprotocol").
     */
    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Caller caller = WebSocketRoutes.caller(event);
        try {
            connections.connect(caller);
        } catch (TooManyConnectionsException refused) {
            Telemetry.event("$connect").field("userId", caller.userId()).field("outcome", "TOO_MANY_CONNECTIONS")
                    .emit(Telemetry.Level.WARN);
            APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
            response.setStatusCode(429);
            response.setBody("{\"message\":\"Too many connections\"}");
            return response;
        }
        return WebSocketRoutes.ok();
    }
}
