package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.ConnectionService;
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

    /** A failure here fails the upgrade (API Gateway answers 500): better than a connection nobody can reach. */
    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        connections.connect(WebSocketRoutes.caller(event));
        return WebSocketRoutes.ok();
    }
}
