package dev.parley.local.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.local.Json;
import dev.parley.local.functions.FunctionHost;
import dev.parley.local.gateway.ConnectionsApi;
import dev.parley.model.aws.AwsLimits;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Trigger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * An emulator of the API Gateway HTTP API under {@code /api}: route matching with path
 * parameters, the JWT authorizer (the same RS256/JWKS check as on AWS; a refusal is 401
 * {@code {"message":"Unauthorized"}}, as API Gateway answers), and payload format 2.0 events to
 * the very handlers Lambda runs.
 */
public final class HttpApi extends Handler.Abstract {
    public static final String PREFIX = "/api";
    /**
     * Every route of the HTTP API in the catalogue this runtime was built with, as API Gateway
     * route keys. Requests are matched against the routes of the code now loaded instead
     * ({@link FunctionHost#httpRoutes()}), so a reload can add one.
     */
    public static final List<String> ROUTES = Catalogue.httpRoutes().stream().map(Trigger.HttpRoute::routeKey).toList();

    private final Supplier<FunctionHost> functions;
    private final TokenVerifier verifier;

    public HttpApi(Supplier<FunctionHost> functions, TokenVerifier verifier) {
        this.functions = functions;
        this.verifier = verifier;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String fullPath = Request.getPathInContext(request);
        if (!fullPath.equals(PREFIX) && !fullPath.startsWith(PREFIX + "/")) {
            return false;
        }
        String path = fullPath.substring(PREFIX.length());
        String method = request.getMethod();
        // Read the whole body before any answer: answering a request whose body is unread makes
        // Jetty close the connection, which a keep-alive client then finds dead on its next request.
        byte[] data = ConnectionsApi.readAtMost(request, AwsLimits.HTTP_PAYLOAD_BYTES);
        if (data == null) {
            DevApi.error(response, callback, 413, "PAYLOAD_TOO_LARGE",
                    "request bodies are limited to " + AwsLimits.HTTP_PAYLOAD_BYTES + " bytes");
            return true;
        }
        String body = new String(data, StandardCharsets.UTF_8);
        FunctionHost host = functions.get();
        Match match = match(host.httpRoutes(), method, path);
        if (match == null) {
            DevApi.json(response, callback, 404, "{\"message\":\"Not Found\"}");
            return true;
        }
        Map<String, String> claims = authorize(request.getHeaders().get("Authorization"));
        if (claims == null) {
            DevApi.json(response, callback, 401, "{\"message\":\"Unauthorized\"}");
            return true;
        }
        APIGatewayV2HTTPEvent event = event(request, match, path, claims, body.isEmpty() ? null : body);
        if (overLambdaRequestLimit(data.length, event)) {
            DevApi.error(response, callback, 413, "PAYLOAD_TOO_LARGE", "Request Too Long");
            return true;
        }
        APIGatewayV2HTTPResponse result;
        try {
            result = host.http(match.routeKey(), event);
        } catch (RuntimeException failed) {
            DevApi.json(response, callback, 500, "{\"message\":\"Internal Server Error\"}");
            return true;
        }
        response.setStatus(result.getStatusCode());
        if (result.getHeaders() != null) {
            result.getHeaders().forEach((name, value) -> response.getHeaders().put(name, value));
        }
        byte[] answer = result.getBody() == null ? new byte[0] : result.getBody().getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(answer), callback);
        return true;
    }

    /**
     * Whether the event is over Lambda's 6 MB request payload: a body the HTTP API accepts (up to
     * 10 MB) may still make an event Lambda refuses. Measured as JSON only when the body is near
     * the limit (the headers and fields around it are bounded by Jetty's 8 KiB request headers).
     */
    private static boolean overLambdaRequestLimit(int bodyBytes, APIGatewayV2HTTPEvent event) throws Exception {
        if (bodyBytes < AwsLimits.LAMBDA_REQUEST_BYTES - 64 * 1024) {
            return false;
        }
        return Json.MAPPER.writeValueAsBytes(event).length > AwsLimits.LAMBDA_REQUEST_BYTES;
    }

    private record Match(String routeKey, Map<String, String> pathParameters) {}

    /** The route whose template matches; path parameters are single segments, as in API Gateway. */
    static Match match(List<String> routes, String method, String path) {
        String[] segments = path.split("/", -1);
        for (String route : routes) {
            String[] parts = route.split(" ", 2);
            if (!parts[0].equals(method)) {
                continue;
            }
            String[] template = parts[1].split("/", -1);
            if (template.length != segments.length) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            boolean matches = true;
            for (int i = 0; i < template.length && matches; i++) {
                if (template[i].startsWith("{") && template[i].endsWith("}")) {
                    matches = !segments[i].isEmpty();
                    parameters.put(template[i].substring(1, template[i].length() - 1), segments[i]);
                } else {
                    matches = template[i].equals(segments[i]);
                }
            }
            if (matches) {
                return new Match(route, parameters);
            }
        }
        return null;
    }

    /** The JWT authorizer: the token's claims, or null when it is missing or not valid. */
    private Map<String, String> authorize(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        try {
            TokenVerifier.Identity identity = verifier.verify(authorization.substring(7).trim());
            Map<String, String> claims = new LinkedHashMap<>();
            claims.put("sub", identity.userId());
            if (identity.device() != null) {
                claims.put("device", identity.device());
            }
            return claims;
        } catch (TokenVerifier.InvalidTokenException invalid) {
            return null;
        }
    }

    private static APIGatewayV2HTTPEvent event(Request request, Match match, String path, Map<String, String> claims,
                                               String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.merge(field.getName().toLowerCase(), field.getValue(), (a, b) -> a + "," + b);
        }
        Map<String, String> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field field : fields) {
            query.put(field.getName(), String.join(",", field.getValues()));
        }
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setRouteKey(match.routeKey());
        context.setRequestId(UUID.randomUUID().toString());
        context.setStage("$default");
        context.setApiId("local");
        context.setDomainName("127.0.0.1");
        context.setTimeEpoch(Instant.now().toEpochMilli());
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(request.getMethod());
        http.setPath(PREFIX + path);
        http.setProtocol("HTTP/1.1");
        http.setSourceIp(Request.getRemoteAddr(request));
        http.setUserAgent(headers.getOrDefault("user-agent", ""));
        context.setHttp(http);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(claims);
        jwt.setScopes(new ArrayList<>());
        authorizer.setJwt(jwt);
        context.setAuthorizer(authorizer);
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(match.routeKey());
        event.setRawPath(PREFIX + path);
        event.setRawQueryString(request.getHttpURI().getQuery() == null ? "" : request.getHttpURI().getQuery());
        event.setHeaders(headers);
        event.setQueryStringParameters(query.isEmpty() ? null : query);
        event.setPathParameters(match.pathParameters().isEmpty() ? null : match.pathParameters());
        event.setRequestContext(context);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }
}
