package dev.parley.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testsupport.http.ParleyHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The HTTP API over real HTTP, as a client calls it: {@code Authorization: Bearer <token>}. */
public final class Api {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A status and its JSON body (null when there is none). */
    public record Reply(int status, JsonNode body) {}

    private final String baseUrl;
    private final String token;

    public Api(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    /** As the user, against the shared runtime. */
    public static Api as(String userId) {
        return new Api(Parley.runtime().httpUrl(), Parley.token(userId, null));
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply patch(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
    }

    private Reply send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Reply(response.statusCode(), body == null || body.isEmpty() ? null : WsClient.JSON.readTree(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a group and returns its conversation id. */
    public String createGroup(String name, String... members) {
        return ParleyHttp.createGroup(HTTP, baseUrl, token, name, List.of(members));
    }
}
