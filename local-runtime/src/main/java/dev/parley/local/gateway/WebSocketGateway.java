package dev.parley.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.parley.model.aws.AwsLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator of an API Gateway WebSocket API, holding the client connections apart from the
 * function code (which it reaches through an {@link Integrations} supplier, so code can be swapped
 * under live connections). It knows nothing of Parley's protocol:
 * <ul>
 *   <li>{@code $connect}: the REQUEST authorizer runs before the upgrade; a refusal is answered
 *       with HTTP 401 (authorizer failed "Unauthorized"), 403 (Deny policy) or 500, and no
 *       WebSocket is opened. The authorizer's context reaches every later route.</li>
 *   <li>Route selection on {@code $request.body.action} read as plain JSON ({@link RouteSelection}).
 *       The body a two-way route's integration answers is its route response (an empty frame when
 *       it answers no body); a one-way route sends nothing back.</li>
 *   <li>Admission: beyond the open-connection limit or the new-connection rate, the upgrade is
 *       refused with HTTP 429 ({@link Admission}).</li>
 *   <li>Limits ({@link GatewayLimits}, from {@code AwsLimits}): a frame over 32 KB or a message over
 *       128 KB closes the connection with 1009; a binary frame closes it with 1003; no frame either
 *       way for the idle timeout, or the maximum connection duration, closes it with 1001. A route
 *       response over 128 KB is not delivered.</li>
 *   <li>Fairness: each connection's frames are invoked a few at a time from a bounded inbox
 *       ({@link LiveConnection}), so one connection's flood does not delay other users.</li>
 * </ul>
 */
public final class WebSocketGateway {
    /** The close code API Gateway sends for a binary frame. */
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;
    static final String METHOD_ARN = "arn:aws:execute-api:us-east-1:000000000000:local/local/$connect";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);
    /** Human-readable lines per connect, disconnect and message ({@code ./parley local}'s terminal). */
    private static final Logger ACTIVITY = LoggerFactory.getLogger("parley.activity");
    /** The route whose messages the activity log shows (others at DEBUG). */
    private static final String MESSAGE_ROUTE = "send";

    private final Supplier<? extends Integrations> functions;
    private final GatewayLimits limits;
    private final Admission admission;
    private final Map<String, LiveConnection> connections = new ConcurrentHashMap<>();
    private final ExecutorService invocations;
    private final ScheduledExecutorService timers;
    private final java.util.concurrent.atomic.AtomicLong oversizedReplies = new java.util.concurrent.atomic.AtomicLong();

    public WebSocketGateway(Supplier<? extends Integrations> functions, GatewayLimits limits) {
        this.functions = functions;
        this.limits = limits;
        this.admission = new Admission(limits.maxConnections(), limits.connectRate());
        this.invocations = Executors.newFixedThreadPool(64, daemon("gateway-route"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("gateway-timer"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Applies API Gateway's limits to the Jetty container and maps the upgrade path. */
    public void configure(ServerWebSocketContainer container) {
        container.setIdleTimeout(limits.idleTimeout());
        // Jetty closes with 1009 (MESSAGE_TOO_BIG) past either limit, as API Gateway does.
        container.setMaxFrameSize(AwsLimits.WEBSOCKET_FRAME_BYTES);
        container.setMaxTextMessageSize(AwsLimits.WEBSOCKET_MESSAGE_BYTES);
        container.setMaxBinaryMessageSize(AwsLimits.WEBSOCKET_MESSAGE_BYTES);
        container.setAutoFragment(false);
        container.addMapping("/", (WebSocketCreator) this::upgrade);
    }

    public int connectionCount() {
        return connections.size();
    }

    /**
     * Route responses not delivered because they were over 128 KB, since start: on AWS such a
     * reply never arrives, so a client waiting for it waits forever. Tests assert it stays 0.
     */
    public long oversizedReplies() {
        return oversizedReplies.get();
    }

    public Optional<ConnectionInfo> info(String connectionId) {
        LiveConnection connection = connections.get(connectionId);
        return connection == null ? Optional.empty() : Optional.of(new ConnectionInfo(
                connection.connectedAt, connection.lastActiveAt, connection.sourceIp, connection.userAgent));
    }

    /** What {@code GET @connections/{id}} reports. Times are epoch milliseconds. */
    public record ConnectionInfo(long connectedAt, long lastActiveAt, String sourceIp, String userAgent) {}

    /**
     * {@code POST @connections/{id}}: false when the connection is gone (the API answers 410). The
     * caller has refused frames over 128 KB already (413).
     */
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

    /** Closes every connection, as a gateway shutting down would, and stops its threads. */
    public void closeAll() {
        List.copyOf(connections.values()).forEach(connection -> connection.close(1001, "Going away"));
        timers.shutdownNow();
        invocations.shutdown();
        try {
            // The $disconnect functions of those connections still run (they post to the queues,
            // which close after this): a bound, so that a stuck function cannot hold a shutdown.
            invocations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
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
        Integrations host = functions.get();

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
            APIGatewayV2WebSocketResponse result = host.invoke("$connect", event);
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
        ScheduledFuture<?> expiry = timers.schedule(() -> connection.close(1001, "Going away"),
                limits.maxConnectionDuration().toMillis(), TimeUnit.MILLISECONDS);
        connection.onClose(() -> expiry.cancel(false));
        ACTIVITY.info("connected    {} ({} open)", who(connection), connections.size());
        return new Endpoint(this, connection);
    }

    /**
     * The Jetty listener of one connection (public: Jetty looks its methods up reflectively). It
     * demands frames itself: one at a time while the connection's inbox has room.
     */
    public static final class Endpoint implements Session.Listener {
        private final WebSocketGateway gateway;
        private final LiveConnection connection;

        Endpoint(WebSocketGateway gateway, LiveConnection connection) {
            this.gateway = gateway;
            this.connection = connection;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            connection.opened(session);
            connection.demand();
        }

        @Override
        public void onWebSocketText(String text) {
            connection.lastActiveAt = System.currentTimeMillis();
            connection.received(text, gateway.limits, gateway.invocations, gateway::dispatch);
        }

        /** API Gateway does not take binary frames: it closes the connection with 1003. */
        @Override
        public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            callback.succeed();
            connection.close(CLOSE_UNSUPPORTED_DATA, "Binary frames are not supported");
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            gateway.closed(connection, statusCode, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            gateway.closed(connection, 1006, null);
        }
    }

    private void dispatch(LiveConnection connection, String text) {
        Integrations host = functions.get();
        String routeKey = RouteSelection.select(text, key -> host.route(key).isPresent());
        boolean twoWay = host.route(routeKey).map(Integrations.Route::twoWay).orElse(false);
        if (MESSAGE_ROUTE.equals(routeKey)) {
            ACTIVITY.info("message from {} ({} bytes)", who(connection), text.length());
        } else if (ACTIVITY.isDebugEnabled()) {
            ACTIVITY.debug("{} from {} ({} bytes)", routeKey, who(connection), text.length());
        }
        APIGatewayV2WebSocketResponse result;
        try {
            result = host.invoke(routeKey, event(connection, routeKey, "MESSAGE", text));
        } catch (RuntimeException failed) {
            warn(routeKey + " failed", connection.id, failed);
            // What API Gateway sends when an integration fails.
            connection.send("{\"message\": \"Internal server error\", \"connectionId\":\"" + connection.id
                    + "\", \"requestId\":\"" + UUID.randomUUID() + "\"}");
            return;
        }
        if (!twoWay) {
            return; // a one-way route: API Gateway passes nothing back
        }
        String body = result == null || result.getBody() == null ? "" : result.getBody();
        if (body.getBytes(StandardCharsets.UTF_8).length > AwsLimits.WEBSOCKET_MESSAGE_BYTES) {
            oversizedReplies.incrementAndGet();
            LOG.warn("route response of {} over {} bytes not delivered (connection {})", routeKey,
                    AwsLimits.WEBSOCKET_MESSAGE_BYTES, connection.id);
            return;
        }
        // A two-way route whose integration answers no body still sends a frame: an empty one.
        connection.send(body);
    }

    private void closed(LiveConnection connection, int statusCode, String reason) {
        if (connections.remove(connection.id, connection)) {
            // A close the gateway started (idle, two hours, DELETE @connections, 1009) is reported
            // with the gateway's status and reason, whatever the client echoed.
            Integer gatewayStatus = connection.gatewayCloseStatus();
            boolean byClient = gatewayStatus == null;
            int status = byClient ? statusCode : gatewayStatus;
            String why = byClient ? reason : connection.gatewayCloseReason();
            connection.markClosed();
            ACTIVITY.info("disconnected {} ({}, {} open)", who(connection), statusCode, connections.size());
            invocations.execute(() -> {
                try {
                    APIGatewayV2WebSocketEvent event = event(connection, "$disconnect", "DISCONNECT", null);
                    functions.get().disconnect(event, status, disconnectReason(byClient, status, why));
                } catch (RuntimeException ignored) {
                    // $disconnect is best effort on API Gateway too; stale mappings are cleaned on 410.
                }
            });
        }
    }

    /**
     * {@code disconnectReason} as API Gateway words it: a client's close frame is quoted with its
     * code's name and the client's own reason; a close the gateway started (idle timeout, the
     * two-hour limit, {@code DELETE @connections}) carries the gateway's reason.
     */
    static String disconnectReason(boolean byClient, int statusCode, String reason) {
        if (!byClient && reason != null && !reason.isEmpty()) {
            return reason;
        }
        String name = switch (statusCode) {
            case 1000 -> "NORMAL_CLOSURE";
            case 1001 -> "GOING_AWAY";
            case 1005 -> "NO_STATUS_CODE";
            case 1006 -> "ABNORMAL_CLOSURE";
            case 1009 -> "MESSAGE_TOO_BIG";
            default -> "UNKNOWN";
        };
        return "Client-side close frame status code '" + statusCode + "' (" + name + ") - custom reason: "
                + (reason == null ? "" : reason);
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

    /** The user and device of a connection, as the authorizer named them. */
    private static String who(LiveConnection connection) {
        Object user = connection.authorizerContext.getOrDefault("userId", connection.authorizerContext.get("principalId"));
        Object device = connection.authorizerContext.get("deviceId");
        return user + (device == null ? "" : "/" + device);
    }

    private static void warn(String what, String connectionId, Throwable failure) {
        LOG.warn("{} (connection {})", what, connectionId, failure);
    }

    /** Ids shaped like API Gateway's: 12 random bytes, base64, ending in '='. */
    private static String newConnectionId() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('/', '_').replace('+', '-');
    }
}
