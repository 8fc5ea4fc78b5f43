package dev.parley.testsupport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * The HTTP calls a client makes to set things up, made as a client makes them: a token from the
 * local issuer ({@code POST /dev/token}) and a group ({@code POST /api/groups}). Shared by the
 * integration tests and the benchmarks so that neither spells the requests out again.
 */
public final class ParleyHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParleyHttp() {}

    /** A token for the user (and device, when not null) from the local runtime's issuer. */
    public static String devToken(HttpClient http, String connectionsUrl, String userId, String deviceId) {
        ObjectNode body = JSON.createObjectNode().put("userId", userId);
        if (deviceId != null) {
            body.put("deviceId", deviceId);
        }
        HttpResponse<String> response = send(http, HttpRequest.newBuilder(URI.create(connectionsUrl + "/dev/token"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /dev/token answered " + response.statusCode() + ": " + response.body());
        }
        return read(response.body()).path("token").asText();
    }

    /** Creates a group as the token's user (a member of it) and returns its conversation id. */
    public static String createGroup(HttpClient http, String httpUrl, String token, String name, List<String> members) {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        members.forEach(body.putArray("members")::add);
        HttpResponse<String> response = send(http, HttpRequest.newBuilder(URI.create(httpUrl + "/groups"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /groups answered " + response.statusCode() + ": " + response.body());
        }
        return read(response.body()).path("conversationId").asText();
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
