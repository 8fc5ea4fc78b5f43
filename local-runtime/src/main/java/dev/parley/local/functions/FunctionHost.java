package dev.parley.local.functions;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.parley.functions.wiring.HandlerSet;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The deployed functions, as the local gateway and stream poller invoke them: the handler classes
 * of functions/, built by {@link HandlerSet} with local endpoints and configuration.
 */
public final class FunctionHost {
    private static final long TIMEOUT_MILLIS = 30_000;

    private final Map<String, RequestHandler<?, ?>> handlers;

    private FunctionHost(Map<String, RequestHandler<?, ?>> handlers) {
        this.handlers = handlers;
    }

    public static FunctionHost create(Map<String, String> environment, DynamoDbClient dynamo,
                                      Supplier<ApiGatewayManagementApiClient> management, Clock clock) {
        return new FunctionHost(HandlerSet.create(environment, dynamo, management, clock));
    }

    /** The WebSocket route keys that have a handler ({@code $connect}, {@code send}, ...). */
    public Set<String> routeKeys() {
        return handlers.keySet();
    }

    public boolean hasRoute(String routeKey) {
        return !routeKey.startsWith("$") ? handlers.containsKey(routeKey) : routeKey.equals("$default");
    }

    @SuppressWarnings("unchecked")
    public IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event) {
        var handler = (RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1>) handlers.get(HandlerSet.AUTHORIZER);
        return handler.handleRequest(event, new LocalContext("authorizer", TIMEOUT_MILLIS));
    }

    @SuppressWarnings("unchecked")
    public APIGatewayV2WebSocketResponse route(String routeKey, APIGatewayV2WebSocketEvent event) {
        var handler = (RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>) handlers.get(routeKey);
        if (handler == null) {
            throw new IllegalArgumentException("no handler for route " + routeKey);
        }
        return handler.handleRequest(event, new LocalContext(routeKey, TIMEOUT_MILLIS));
    }

    @SuppressWarnings("unchecked")
    public StreamsEventResponse fanout(DynamodbEvent event) {
        var handler = (RequestHandler<DynamodbEvent, StreamsEventResponse>) handlers.get(HandlerSet.FANOUT);
        return handler.handleRequest(event, new LocalContext("fanout", TIMEOUT_MILLIS));
    }
}
