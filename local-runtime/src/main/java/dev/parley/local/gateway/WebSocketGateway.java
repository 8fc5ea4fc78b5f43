package dev.parley.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.parley.local.functions.FunctionHost;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * An emulator of an API Gateway WebSocket API, holding the client connections apart from the
 * function code (which it reaches through a {@link FunctionHost} supplier, so code can be swapped
 * under live connections):
 * <ul>
 *   <li>{@code $connect}: the REQUEST authorizer runs before the upgrade; a refusal is answered
 *       with HTTP 401 (authorizer failed "Unauthorized"), 403 (Deny policy) or 500, and no
 *       WebSocket is opened. The authorizer's context reaches every later route.</li>
 *   <li>Route selection on {@code $request.body.action}; frames that are not JSON, have no action
 *       or an action without a route go to {@code $default}. A handler's response body is the
 *       route response sent back on the connection.</li>
 *   <li>Admission: beyond the open-connection limit or the new-connection rate, the upgrade is
 *       refused with HTTP 429 ({@link Admission}).</li>
 *   <li>Limits: frames over 32 KiB are answered with a {@code PAYLOAD_TOO_LARGE} error (the
 *       connection stays open); 10 minutes without a frame closes the connection, as does API
 *       Gateway's 2-hour maximum.</li>
 * </ul>
 */
public final class WebSocketGateway {
    public static final int MAX_FRAME_BYTES = 32 * 1024;
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_CONNECTION_DURATION = Duration.ofHours(2);
    static final String METHOD_ARN = "arn:aws:execute-api:us-east-1:000000000000:local/local/$connect";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<FunctionHost> functions;
    private final Admission admission;
    private final Map<String, LiveConnection> connections = new ConcurrentHashMap<>();
    private final ExecutorService invocations;

    public WebSocketGateway(Supplier<FunctionHost> functions, Admission admission) {
        this.functions = functions;
        this.admission = admission;
        this.invocations = Executors.newFixedThreadPool(64, runnable -> {
            Thread thread = new Thread(runnable, "gateway-route");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Applies API Gateway's limits to the Jetty container and maps the upgrade path. */
    public void configure(ServerWebSocketContainer container) {
        container.setIdleTimeout(IDLE_TIMEOUT);
        // Read whole messages up to 1 MiB so that oversized ones can be answered, not dropped.
        container.setMaxTextMessageSize(1024 * 1024);
        container.setMaxFrameSize(1024 * 1024);
        container.addMapping("/", (WebSocketCreator) this::upgrade);
    }

    public int connectionCount() {
        return connections.size();
    }

    public Optional<ConnectionInfo> info(String connectionId) {
        LiveConnection connection = connections.get(connectionId);
        return connection == null ? Optional.empty() : Optional.of(new ConnectionInfo(
                connection.connectedAt, connection.lastActiveAt, connection.sourceIp, connection.userAgent));
    }

    /** What {@code GET @connections/{id}} reports. Times are epoch milliseconds. */
    public record ConnectionInfo(long connectedAt, long lastActiveAt, String sourceIp, String userAgent) {}

    /** {@code POST @connections/{id}}: false when the connection is gone (the API answers 410). */
    public boolean post(String connectionId, String frame) {
        LiveConnection connection = connections.get(connectionId);
        return connection != null && connection.send(frame);
    }

    /** {@code DELETE @connections/{id}}: closes the connection; $disconnect follows. */
    public boolean disconnect(String connectionId) {
        LiveConnection connection = connections.get(connectionId);
        if (connection == null) {
            return false;
        }
        connection.close(1000, "Going away");
        return true;
    }

    /** Closes every connection, as a gateway shutting down would. */
    public void closeAll() {
        List.copyOf(connections.values()).forEach(connection -> connection.close(1001, "Going away"));
    }

    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response,
                           org.eclipse.jetty.util.Callback callback) {
        long retryAfterMs = admission.admit(connections.size());
        if (retryAfterMs > 0) {
            // Refused before the upgrade and before any function runs, as API Gateway throttles.
            response.getHeaders().put("Retry-After", Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)));
            Response.writeError(request, response, callback, 429);
            return null;
        }
        Map<String, String> headers = headers(request);
        Map<String, String> query = query(request);
        String sourceIp = Request.getRemoteAddr(request);
        String userAgent = headers.getOrDefault("User-Agent", "");
        FunctionHost host = functions.get();

        Map<String, Object> authorizerContext;
        try {
            IamPolicyResponseV1 policy = host.authorize(authorizerEvent(headers, query));
            if (!allows(policy)) {
                Response.writeError(request, response, callback, 403);
                return null;
            }
            authorizerContext = new HashMap<>();
            if (policy.getContext() != null) {
                authorizerContext.putAll(policy.getContext());
            }
            authorizerContext.put("principalId", policy.getPrincipalId());
        } catch (RuntimeException refused) {
            boolean unauthorized = "Unauthorized".equals(refused.getMessage());
            if (!unauthorized) {
                warn("authorizer failed", null, refused);
            }
            Response.writeError(request, response, callback, unauthorized ? 401 : 500);
            return null;
        }

        long now = System.currentTimeMillis();
        LiveConnection connection = new LiveConnection(newConnectionId(), authorizerContext, now, sourceIp, userAgent);
        connections.put(connection.id, connection);
        try {
            APIGatewayV2WebSocketEvent event = event(connection, "$connect", "CONNECT", null);
            event.setHeaders(headers);
            event.setQueryStringParameters(query.isEmpty() ? null : query);
            APIGatewayV2WebSocketResponse result = host.route("$connect", event);
            int status = result == null ? 200 : result.getStatusCode();
            if (status < 200 || status > 299) {
                connections.remove(connection.id);
                Response.writeError(request, response, callback, status);
                return null;
            }
        } catch (RuntimeException failed) {
            warn("$connect failed", connection.id, failed);
            connections.remove(connection.id);
            Response.writeError(request, response, callback, 500);
            return null;
        }
        return new Endpoint(this, connection);
    }

    /** The Jetty listener of one connection (public: Jetty looks its methods up reflectively). */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final WebSocketGateway gateway;
        private final LiveConnection connection;

        Endpoint(WebSocketGateway gateway, LiveConnection connection) {
            this.gateway = gateway;
            this.connection = connection;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            connection.opened(session);
        }

        @Override
        public void onWebSocketText(String text) {
            connection.lastActiveAt = System.currentTimeMillis();
            if (connection.lastActiveAt - connection.connectedAt > MAX_CONNECTION_DURATION.toMillis()) {
                connection.close(1001, "Going away");
                return;
            }
            gateway.invocations.execute(() -> gateway.dispatch(connection, text));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            gateway.closed(connection, statusCode);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            gateway.closed(connection, 1006);
        }
    }

    private void dispatch(LiveConnection connection, String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES) {
            connection.send(FrameCodec.encode(ServerFrame.Error.of(FrameCodec.requestIdOrNull(text),
                    ErrorCode.PAYLOAD_TOO_LARGE, "frames are limited to " + MAX_FRAME_BYTES + " bytes")));
            return;
        }
        FunctionHost host = functions.get();
        String routeKey = selectRoute(host, text);
        try {
            APIGatewayV2WebSocketResponse result = host.route(routeKey, event(connection, routeKey, "MESSAGE", text));
            if (result != null && result.getBody() != null) {
                connection.send(result.getBody());
            }
        } catch (RuntimeException failed) {
            warn(routeKey + " failed", connection.id, failed);
            // What API Gateway sends when an integration fails.
            connection.send("{\"message\": \"Internal server error\", \"connectionId\":\"" + connection.id
                    + "\", \"requestId\":\"" + UUID.randomUUID() + "\"}");
        }
    }

    /** {@code $request.body.action}, falling back to {@code $default} as API Gateway does. */
    private static String selectRoute(FunctionHost host, String text) {
        String action = FrameCodec.actionOrNull(text);
        return action != null && host.hasRoute(action) ? action : "$default";
    }

    private void closed(LiveConnection connection, int statusCode) {
        if (connections.remove(connection.id, connection)) {
            connection.markClosed();
            invocations.execute(() -> {
                try {
                    APIGatewayV2WebSocketEvent event = event(connection, "$disconnect", "DISCONNECT", null);
                    event.getRequestContext().setStatus(Integer.toString(statusCode));
                    functions.get().route("$disconnect", event);
                } catch (RuntimeException ignored) {
                    // $disconnect is best effort on API Gateway too; stale mappings are cleaned on 410.
                }
            });
        }
    }

    private static APIGatewayV2WebSocketEvent event(LiveConnection connection, String routeKey, String eventType,
                                                    String body) {
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        long now = System.currentTimeMillis();
        context.setRouteKey(routeKey);
        context.setEventType(eventType);
        context.setConnectionId(connection.id);
        context.setConnectedAt(connection.connectedAt);
        context.setRequestId(UUID.randomUUID().toString());
        context.setExtendedRequestId(context.getRequestId());
        context.setMessageId(body == null ? null : UUID.randomUUID().toString());
        context.setMessageDirection("IN");
        context.setRequestTimeEpoch(now);
        context.setDomainName("127.0.0.1");
        context.setStage("local");
        context.setApiId("local");
        context.setAuthorizer(connection.authorizerContext);
        APIGatewayV2WebSocketEvent.RequestIdentity identity = new APIGatewayV2WebSocketEvent.RequestIdentity();
        identity.setSourceIp(connection.sourceIp);
        identity.setUserAgent(connection.userAgent);
        context.setIdentity(identity);
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }

    private static APIGatewayCustomAuthorizerEvent authorizerEvent(Map<String, String> headers, Map<String, String> query) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("REQUEST");
        event.setMethodArn(METHOD_ARN);
        event.setHeaders(headers);
        event.setQueryStringParameters(query.isEmpty() ? null : query);
        return event;
    }

    private static boolean allows(IamPolicyResponseV1 policy) {
        if (policy == null || policy.getPolicyDocument() == null) {
            return false;
        }
        Object statements = policy.getPolicyDocument().get("Statement");
        Collection<?> list = statements instanceof Object[] array ? Arrays.asList(array)
                : statements instanceof Collection<?> collection ? collection : List.of();
        if (list.isEmpty()) {
            return false;
        }
        boolean allowed = false;
        for (Object statement : list) {
            if (statement instanceof Map<?, ?> map) {
                Object effect = map.get("Effect");
                if ("Deny".equals(effect)) {
                    return false;
                }
                allowed |= "Allow".equals(effect);
            }
        }
        return allowed;
    }

    private static Map<String, String> headers(Request request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.merge(field.getName(), field.getValue(), (a, b) -> a + "," + b);
        }
        return headers;
    }

    private static Map<String, String> query(Request request) {
        Map<String, String> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field field : fields) {
            query.put(field.getName(), field.getValue());
        }
        return query;
    }

    private static void warn(String what, String connectionId, Throwable failure) {
        System.err.println("{\"level\":\"WARN\",\"what\":\"gateway\",\"message\":\"" + what
                + "\",\"connectionId\":\"" + connectionId + "\",\"error\":\""
                + String.valueOf(failure).replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        failure.printStackTrace();
    }

    /** Ids shaped like API Gateway's: 12 random bytes, base64, ending in '='. */
    private static String newConnectionId() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('/', '_').replace('+', '-');
    }
}
