package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.protocol.ServerFrame;

/** The {@code heartbeat} route: marks the connection alive (a write at most about once a minute) and answers {@code pong}. */
public final class HeartbeatHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ConnectionService connections;

    public HeartbeatHandler() {
        this(Wiring.fromEnvironment());
    }

    public HeartbeatHandler(Wiring wiring) {
        this(wiring.connectionService());
    }

    public HeartbeatHandler(ConnectionService connections) {
        this.connections = connections;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Long connectedAt = event.getRequestContext() == null ? null : event.getRequestContext().getConnectedAt();
        return WebSocketRoutes.handle(event, (caller, command) ->
                new ServerFrame.Pong(command.requestId(), connections.heartbeat(caller, connectedAt == null ? 0 : connectedAt)));
    }
}
