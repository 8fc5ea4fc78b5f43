package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.wiring.Wiring;

/**
 * {@code $disconnect}: removes the connection's mapping. API Gateway delivers this event on a
 * best-effort basis, so fan-out also removes mappings whose posts answer 410, and items expire.
 */
public final class DisconnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ConnectionService connections;

    public DisconnectHandler() {
        this(Wiring.fromEnvironment());
    }

    public DisconnectHandler(Wiring wiring) {
        this(wiring.connectionService());
    }

    public DisconnectHandler(ConnectionService connections) {
        this.connections = connections;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        connections.disconnect(WebSocketRoutes.caller(event));
        return WebSocketRoutes.ok();
    }
}
