package dev.parley.functions.notify;

import dev.parley.model.protocol.JsonTree;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link PushNotifier} that POSTs each notification as JSON to a URL: the local runtime's
 * notification sink, or a push gateway of the team's own. The JDK's HTTP client: no jar cost.
 */
public final class WebhookPushNotifier implements PushNotifier {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI url;

    public WebhookPushNotifier(URI url) {
        this.url = url;
    }

    @Override
    public Outcome send(Notification notification) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("userId", notification.userId());
        json.put("deviceId", notification.deviceId());
        json.put("platform", notification.platform());
        json.put("conversationId", notification.conversationId());
        json.put("seq", notification.seq());
        json.put("senderId", notification.senderId());
        json.put("preview", notification.preview());
        json.put("badge", notification.badge());
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JsonTree.write(json))).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 410) {
                return Outcome.TOKEN_INVALID;
            }
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("push webhook answered " + response.statusCode());
            }
            return Outcome.SENT;
        } catch (IOException e) {
            throw new IllegalStateException("push webhook unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
