package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.Caller;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.wiring.Wiring;
import java.util.Map;

/**
 * {@code $disconnect}: removes the connection's mapping. API Gateway delivers this event on a
 * best-effort basis, so fan-out also removes mappings whose posts answer 410, and items expire.
 *
 * <p>The event is taken as the raw JSON object, not as {@code APIGatewayV2WebSocketEvent}: API
 * Gateway puts {@code disconnectStatusCode} and {@code disconnectReason} in the
 * {@code requestContext} of this event, and the events library's class has no field for them, so
 * the runtime's deserializer would drop them. A close with status 1000 (the client's normal
 * closure: a sign-out, the SDKs' {@code close()}) marks the user offline at once; any other
 * status (1001 a page reloading or navigating away, 1005 no status, 1006 a dropped network)
 * keeps the reconnect grace period (docs/architecture.md, "Presence").
 */
public final class DisconnectHandler implements RequestHandler<Map<String, Object>, APIGatewayV2WebSocketResponse> {
    /** RFC 6455 7.4.1: normal closure, "the purpose for which the connection was established has been fulfilled". */
    static final int NORMAL_CLOSURE = 1000;

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
    public APIGatewayV2WebSocketResponse handleRequest(Map<String, Object> event, Context context) {
        Map<?, ?> requestContext = event.get("requestContext") instanceof Map<?, ?> map ? map : Map.of();
        Caller caller = caller(requestContext);
        Integer status = statusCode(requestContext.get("disconnectStatusCode"));
        boolean signedOut = status != null && status == NORMAL_CLOSURE;
        Telemetry.event("$disconnect").field("connectionId", caller.connectionId()).field("userId", caller.userId())
                .field("disconnectStatusCode", status).field("signedOut", signedOut).emit(Telemetry.Level.INFO);
        connections.disconnect(caller, signedOut);
        return WebSocketRoutes.ok();
    }

    /** The caller from the authorizer's context, as {@link WebSocketRoutes#caller} reads it from the typed event. */
    private static Caller caller(Map<?, ?> requestContext) {
        Map<?, ?> authorizer = requestContext.get("authorizer") instanceof Map<?, ?> map ? map : Map.of();
        Object userId = authorizer.get(WebSocketRoutes.USER_ID);
        if (userId == null) {
            throw new IllegalStateException("no userId in the authorizer context: is the $connect authorizer configured?");
        }
        Object connectionId = requestContext.get("connectionId");
        if (connectionId == null) {
            throw new IllegalStateException("no connectionId in the $disconnect event");
        }
        Object deviceId = authorizer.get(WebSocketRoutes.DEVICE_ID);
        return new Caller(userId.toString(), deviceId == null ? connectionId.toString() : deviceId.toString(),
                connectionId.toString());
    }

    /** A number in the JSON (an Integer from Lambda's deserializer), or a numeric string; null when absent. */
    private static Integer statusCode(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value instanceof String text && text.matches("\\d{1,4}")) {
            return Integer.parseInt(text);
        }
        return null;
    }
}
