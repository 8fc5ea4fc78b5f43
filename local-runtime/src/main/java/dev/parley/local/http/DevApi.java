package dev.parley.local.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.local.Json;
import dev.parley.local.auth.LocalIssuer;
import dev.parley.model.domain.UserIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Endpoints that exist on the local runtime only: {@code POST /dev/token} (a token from the local
 * issuer), {@code GET /dev/jwks.json} (the keys the $connect authorizer verifies against) and
 * {@code POST /dev/reload} (load the function code anew; every connection stays open).
 */
public final class DevApi extends Handler.Abstract {
    public static final String JWKS_PATH = "/dev/jwks.json";
    /**
     * Every local-only route of the runtime (served here and by {@link NotificationSink}); the
     * API documents' drift test checks that docs/openapi.yaml lists them.
     */
    public static final java.util.List<String> ROUTES = java.util.List.of(
            "POST /dev/token", "GET " + JWKS_PATH, "POST /dev/reload", "GET " + NotificationSink.PATH);

    /** The longest token the local issuer signs (a week). */
    static final Duration MAX_TTL = Duration.ofDays(7);

    private final LocalIssuer issuer;
    private final Supplier<Integer> reload;

    /** @param reload loads the function code anew and returns the number of open connections */
    public DevApi(LocalIssuer issuer, Supplier<Integer> reload) {
        this.issuer = issuer;
        this.reload = reload;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.startsWith("/dev/") && !LocalOnly.allows(request)) {
            error(response, callback, 403, "FORBIDDEN", LocalOnly.REFUSAL);
            return true;
        }
        if (path.equals(JWKS_PATH) && HttpMethod.GET.is(request.getMethod())) {
            json(response, callback, 200, issuer.jwks());
            return true;
        }
        if (path.equals("/dev/reload") && HttpMethod.POST.is(request.getMethod())) {
            try {
                int connections = reload.get();
                json(response, callback, 200, "{\"reloaded\":true,\"connections\":" + connections + "}");
            } catch (RuntimeException failed) {
                Throwable cause = failed.getCause() == null ? failed : failed.getCause();
                json(response, callback, 500, Json.MAPPER.writeValueAsString(Map.of("reloaded", false,
                        "error", failed.getMessage() + ": " + cause)));
            }
            return true;
        }
        if (path.equals("/dev/token") && HttpMethod.POST.is(request.getMethod())) {
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
            } catch (Exception malformed) {
                body = null;
            }
            JsonNode userId = body == null ? null : body.get("userId");
            if (userId == null || !userId.isTextual() || !UserIds.isValid(userId.textValue())) {
                error(response, callback, 400, "BAD_REQUEST", "userId must be 1-128 characters of [A-Za-z0-9_.@+-]");
                return true;
            }
            JsonNode deviceId = body.get("deviceId");
            JsonNode ttl = body.get("ttlSeconds");
            if (ttl != null && (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.longValue() < 1
                    || ttl.longValue() > MAX_TTL.toSeconds())) {
                error(response, callback, 400, "BAD_REQUEST", "ttlSeconds must be a whole number from 1 to "
                        + MAX_TTL.toSeconds());
                return true;
            }
            String token = issuer.token(userId.textValue(),
                    deviceId != null && deviceId.isTextual() ? deviceId.textValue() : null,
                    ttl != null && ttl.canConvertToLong() ? Duration.ofSeconds(ttl.longValue()) : LocalIssuer.DEFAULT_TTL);
            json(response, callback, 200, Json.MAPPER.writeValueAsString(Map.of("token", token)));
            return true;
        }
        return false;
    }

    public static void error(Response response, Callback callback, int status, String code, String message) throws Exception {
        json(response, callback, status, Json.MAPPER.writeValueAsString(Map.of("code", code, "message", message)));
    }

    public static void json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
