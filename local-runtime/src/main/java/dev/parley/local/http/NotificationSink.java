package dev.parley.local.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.local.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Where offline push notifications land on the local runtime (in place of APNs and FCM): the
 * functions' webhook notifier POSTs them to {@code /dev/notifications}; {@code GET
 * /dev/notifications?userId=U} answers {@code {"notifications": [...]}}, oldest first.
 */
public final class NotificationSink extends Handler.Abstract {
    public static final String PATH = "/dev/notifications";

    private final Map<String, List<JsonNode>> byUser = new ConcurrentHashMap<>();

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!PATH.equals(Request.getPathInContext(request))) {
            return false;
        }
        if (!LocalOnly.allows(request)) {
            DevApi.error(response, callback, 403, "FORBIDDEN", LocalOnly.REFUSAL);
            return true;
        }
        if (HttpMethod.POST.is(request.getMethod())) {
            JsonNode notification = Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
            String userId = notification.path("userId").asText("");
            List<JsonNode> list = byUser.computeIfAbsent(userId, user -> new ArrayList<>());
            synchronized (list) {
                list.add(notification);
            }
            response.setStatus(204);
            callback.succeeded();
            return true;
        }
        if (HttpMethod.GET.is(request.getMethod())) {
            Fields query = Request.extractQueryParameters(request);
            String userId = query.getValue("userId");
            if (userId == null || userId.isEmpty()) {
                DevApi.error(response, callback, 400, "BAD_REQUEST", "userId is required");
                return true;
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            var array = body.putArray("notifications");
            List<JsonNode> list = byUser.getOrDefault(userId, List.of());
            synchronized (list) {
                list.forEach(array::add);
            }
            DevApi.json(response, callback, 200, body.toString());
            return true;
        }
        return false;
    }
}
