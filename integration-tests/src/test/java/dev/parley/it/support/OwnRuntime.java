package dev.parley.it.support;

import dev.parley.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** For test classes that need a runtime with options of their own: tokens and clients for it. */
public final class OwnRuntime {
    private OwnRuntime() {}

    public static String token(LocalRuntime runtime, String userId) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(runtime.connectionsUrl() + "/dev/token"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return WsClient.JSON.readTree(response.body()).get("token").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static WsClient connect(LocalRuntime runtime, String userId) {
        return WsClient.connect(runtime.websocketUrl(), token(runtime, userId));
    }

    public static int handshake(LocalRuntime runtime, String userId) {
        return WsClient.handshakeStatus(runtime.websocketUrl() + "/?token=" + token(runtime, userId));
    }
}
