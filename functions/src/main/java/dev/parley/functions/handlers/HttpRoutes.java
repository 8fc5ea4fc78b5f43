package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.observability.Telemetry;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.errors.ParleyException;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.HttpBodies;
import dev.parley.model.protocol.JsonTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What every HTTP API handler shares (payload format 2.0): the caller from the JWT authorizer's
 * claims, JSON bodies, and errors as {@code {"code","message"}} with the status of their code.
 */
final class HttpRoutes {
    private HttpRoutes() {}

    /** A handled request: status and JSON body (null for none), written by {@link HttpBodies}. */
    record Result(int status, String json) {}

    @FunctionalInterface
    interface Route {
        Result handle(String userId, APIGatewayV2HTTPEvent event);
    }

    static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Route route) {
        Telemetry.Event log = Telemetry.event(event.getRouteKey())
                .field("requestId", event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
        APIGatewayV2HTTPResponse response = dispatch(event, route, log);
        log.field("status", response.getStatusCode())
                .metric("Requests", 1, "Count").metric("LatencyMs", log.elapsedMillis(), "Milliseconds")
                .emit(response.getStatusCode() >= 500 ? Telemetry.Level.ERROR : Telemetry.Level.INFO);
        return response;
    }

    private static APIGatewayV2HTTPResponse dispatch(APIGatewayV2HTTPEvent event, Route route, Telemetry.Event log) {
        log.field("outcome", "ok");
        try {
            String userId = caller(event);
            log.field("userId", userId);
            Result result = route.handle(userId, event);
            return response(result.status(), result.json());
        } catch (ParleyException refused) {
            ErrorCode code = ErrorCode.of(refused);
            log.field("outcome", code.name());
            Long retryAfterMs = refused instanceof RateLimitedException limited ? limited.retryAfterMs() : null;
            return response(code.httpStatus(), HttpBodies.error(code, refused.getMessage(), retryAfterMs));
        } catch (RuntimeException failure) {
            log.field("outcome", ErrorCode.INTERNAL.name()).failure(failure);
            return response(500, HttpBodies.error(ErrorCode.INTERNAL, "internal error", null));
        }
    }

    /** The user the JWT authorizer verified (the token's {@code sub}). */
    static String caller(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        var authorizer = context == null ? null : context.getAuthorizer();
        var jwt = authorizer == null ? null : authorizer.getJwt();
        String sub = jwt == null || jwt.getClaims() == null ? null : jwt.getClaims().get("sub");
        if (sub == null) {
            throw new IllegalStateException("no sub claim from the JWT authorizer: is the route authorized?");
        }
        return sub;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonBody(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        try {
            if (body != null && JsonTree.parse(body) instanceof Map<?, ?> object) {
                if (!JsonTree.wellFormedText(object)) {
                    throw new BadRequestException("the body holds a string that is not valid UTF-16 (a lone surrogate)");
                }
                return (Map<String, Object>) object;
            }
        } catch (IOException notJson) {
            throw new BadRequestException("the body is not valid JSON");
        }
        throw new BadRequestException("the body must be a JSON object");
    }

    /** A required list of strings in a JSON body. */
    static List<String> strings(Map<String, Object> body, String field) {
        if (!(body.get(field) instanceof List<?> values)) {
            throw new BadRequestException(field + " must be an array of user ids");
        }
        List<String> strings = new ArrayList<>();
        for (Object value : values) {
            if (!(value instanceof String text)) {
                throw new BadRequestException(field + " must be an array of user ids");
            }
            strings.add(text);
        }
        return strings;
    }

    /**
     * A path parameter as API Gateway hands it over: already percent-decoded, so it is used as it
     * is. Decoding it again would turn a {@code +} (allowed in user ids) into a space.
     */
    static String pathParameter(APIGatewayV2HTTPEvent event, String name) {
        String value = event.getPathParameters() == null ? null : event.getPathParameters().get(name);
        if (value == null || value.isEmpty()) {
            throw new BadRequestException("missing path parameter " + name);
        }
        // API Gateway hands path parameters over decoded already; decoding again would turn a '+'
        // of a user id into a space.
        return value;
    }

    static String query(APIGatewayV2HTTPEvent event, String name) {
        return event.getQueryStringParameters() == null ? null : event.getQueryStringParameters().get(name);
    }

    /** An optional non-negative integer query parameter. */
    static Long queryLong(APIGatewayV2HTTPEvent event, String name) {
        String value = query(event, name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be a non-negative integer");
        }
    }

    static APIGatewayV2HTTPResponse response(int status, String body) {
        APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        response.setStatusCode(status);
        if (body != null) {
            response.setHeaders(Map.of("content-type", "application/json"));
            response.setBody(body);
        }
        return response;
    }
}
