package dev.parley.local.functions;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.functions.wiring.HandlerSet;
import dev.parley.local.Json;
import dev.parley.local.gateway.Integrations;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployed functions, as the local gateway, HTTP API, queue and stream poller invoke them:
 * the handler classes of functions/ and the routes of the catalogue, both read from the same
 * loaded code (so a reload can add a route of either kind).
 */
public final class FunctionHost implements Integrations {
    private static final long TIMEOUT_MILLIS = 30_000;

    private final Map<String, RequestHandler<?, ?>> handlers;
    private final Map<String, Route> webSocketRoutes;
    private final List<String> httpRoutes;
    private final ClassLoader code;

    FunctionHost(Map<String, RequestHandler<?, ?>> handlers, Map<String, Route> webSocketRoutes,
                 List<String> httpRoutes, ClassLoader code) {
        this.handlers = handlers;
        this.webSocketRoutes = Map.copyOf(webSocketRoutes);
        this.httpRoutes = List.copyOf(httpRoutes);
        this.code = code;
    }

    /** The class loader the handlers' classes came from (a new one after every reload). */
    public ClassLoader code() {
        return code;
    }

    /** Every HTTP API route key of the loaded catalogue ({@code GET /conversations}, ...). */
    public List<String> httpRoutes() {
        return httpRoutes;
    }

    @Override
    public Optional<Route> route(String routeKey) {
        return Optional.ofNullable(webSocketRoutes.get(routeKey));
    }

    @Override
    @SuppressWarnings("unchecked")
    public IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event) {
        var handler = (RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1>) handlers.get(HandlerSet.AUTHORIZER);
        return InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext("authorizer", TIMEOUT_MILLIS)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public APIGatewayV2WebSocketResponse invoke(String routeKey, APIGatewayV2WebSocketEvent event) {
        var handler = (RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>) handlers.get(routeKey);
        if (handler == null || !webSocketRoutes.containsKey(routeKey)) {
            throw new IllegalArgumentException("no handler for route " + routeKey);
        }
        return InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext(routeKey, TIMEOUT_MILLIS)));
    }

    /**
     * {@code $disconnect} as Lambda hands it to the handler: the event as API Gateway's JSON, with
     * {@code disconnectStatusCode} and {@code disconnectReason} in its {@code requestContext}, read
     * into the handler's input type (a {@code Map}: the typed event class would drop those two).
     */
    @Override
    @SuppressWarnings("unchecked")
    public void disconnect(APIGatewayV2WebSocketEvent event, int statusCode, String reason) {
        RequestHandler<?, ?> handler = handlers.get("$disconnect");
        if (handler == null || !webSocketRoutes.containsKey("$disconnect")) {
            throw new IllegalArgumentException("no handler for route $disconnect");
        }
        Map<String, Object> json = Json.MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .convertValue(event, Map.class);
        Map<String, Object> context = (Map<String, Object>) json.get("requestContext");
        context.remove("status");
        context.put("disconnectStatusCode", statusCode);
        context.put("disconnectReason", reason);
        var raw = (RequestHandler<Object, ?>) handler;
        raw.handleRequest(takesTypedEvent(handler) ? event : json, new LocalContext("$disconnect", TIMEOUT_MILLIS));
    }

    /** Whether the handler declares the events library's class as its input (then the extra fields are lost, as on AWS). */
    private static boolean takesTypedEvent(RequestHandler<?, ?> handler) {
        for (java.lang.reflect.Method method : handler.getClass().getMethods()) {
            if (method.getName().equals("handleRequest") && method.getParameterCount() == 2 && !method.isBridge()) {
                return method.getParameterTypes()[0] == APIGatewayV2WebSocketEvent.class;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    public APIGatewayV2HTTPResponse http(String routeKey, APIGatewayV2HTTPEvent event) {
        var handler = (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handlers.get(HandlerSet.HTTP + routeKey);
        if (handler == null) {
            throw new IllegalArgumentException("no handler for HTTP route " + routeKey);
        }
        return InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext("http", TIMEOUT_MILLIS)));
    }

    @SuppressWarnings("unchecked")
    public SQSBatchResponse presenceCheck(SQSEvent event) {
        var handler = (RequestHandler<SQSEvent, SQSBatchResponse>) handlers.get(HandlerSet.PRESENCE_CHECK);
        return InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext("presence-check", TIMEOUT_MILLIS)));
    }

    /** The notification function, on the notifications queue (fan-out's offline notices). */
    @SuppressWarnings("unchecked")
    public SQSBatchResponse notifications(SQSEvent event) {
        var handler = (RequestHandler<SQSEvent, SQSBatchResponse>) handlers.get(
                HandlerSet.key(new dev.parley.model.routes.Trigger.QueueMessages(dev.parley.model.routes.Queues.NOTIFICATIONS)));
        return InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext("notify", TIMEOUT_MILLIS)));
    }

    /** The fan-out chunk function, on the fan-out queue (large conversations' chunks). */
    @SuppressWarnings("unchecked")
    public SQSBatchResponse fanoutChunks(SQSEvent event) {
        var handler = (RequestHandler<SQSEvent, SQSBatchResponse>) handlers.get(
                HandlerSet.key(new dev.parley.model.routes.Trigger.QueueMessages(dev.parley.model.routes.Queues.FANOUT)));
        return handler.handleRequest(event, new LocalContext("fanout-chunks", TIMEOUT_MILLIS));
    }

    /** The attachments bucket's object-created function (an asynchronous invocation: no answer). */
    @SuppressWarnings("unchecked")
    public void objectCreated(com.amazonaws.services.lambda.runtime.events.S3Event event) {
        var handler = (RequestHandler<com.amazonaws.services.lambda.runtime.events.S3Event, ?>) handlers.get(HandlerSet.OBJECT_CREATED);
        InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext("thumbnails", TIMEOUT_MILLIS)));
    }

    @SuppressWarnings("unchecked")
    public StreamsEventResponse fanout(DynamodbEvent event) {
        var handler = (RequestHandler<DynamodbEvent, StreamsEventResponse>) handlers.get(HandlerSet.FANOUT);
        return InvocationCpu.measure(() -> handler.handleRequest(event, new LocalContext("fanout", TIMEOUT_MILLIS)));
    }
}
