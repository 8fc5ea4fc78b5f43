package dev.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ClientClosedException;
import dev.parley.client.ConversationList;
import dev.parley.client.ConversationSummary;
import dev.parley.client.Group;
import dev.parley.client.Platform;
import dev.parley.client.Presence;
import dev.parley.client.ServerErrorException;
import dev.parley.client.TokenSupplier;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * docs/protocol.md's HTTP API (groups and their admins, conversations and their settings, blocks,
 * presence, devices), typed. Every call takes a
 * token from the supplier (on the client's token thread, since a supplier may block) and fails
 * with {@link ServerErrorException} carrying the API's {@code code} when refused.
 */
public final class HttpApi {
    private final String baseUrl;
    private final TokenSupplier tokens;
    private final HttpClient http;
    private final Duration timeout;
    private final Executor tokenThread;
    private final Groups groups;

    HttpApi(String baseUrl, TokenSupplier tokens, HttpClient http, Duration timeout, Executor tokenThread, Groups groups) {
        this.groups = groups;
        this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
        this.tokens = tokens;
        this.http = http;
        this.timeout = timeout;
        this.tokenThread = tokenThread;
    }

    public CompletableFuture<Group> createGroup(String name, Collection<String> members) {
        ObjectNode body = Wire.JSON.createObjectNode().put("name", name);
        members.forEach(body.putArray("members")::add);
        return call("POST", "/groups", body, 201).thenApply(this::group);
    }

    public CompletableFuture<Group> addMembers(String groupId, Collection<String> members) {
        ObjectNode body = Wire.JSON.createObjectNode();
        members.forEach(body.putArray("members")::add);
        return call("POST", "/groups/" + segment(groupId) + "/members", body, 200).thenApply(this::group);
    }

    /** @param successor null, or the member a leaving admin makes admin before going */
    public CompletableFuture<Void> removeMember(String groupId, String userId, String successor) {
        return call("DELETE", "/groups/" + segment(groupId) + "/members/" + segment(userId)
                + (successor == null ? "" : "?successor=" + segment(successor)), null, 204).thenApply(x -> null);
    }

    public CompletableFuture<Group> renameGroup(String groupId, String name) {
        return call("PATCH", "/groups/" + segment(groupId), Wire.JSON.createObjectNode().put("name", name), 200)
                .thenApply(this::group);
    }

    public CompletableFuture<dev.parley.client.GroupMembersPage> groupMembers(String groupId, String cursor, int limit) {
        String query = "?limit=" + limit + (cursor == null ? "" : "&cursor=" + segment(cursor));
        return call("GET", "/groups/" + segment(groupId) + "/members" + query, null, 200).thenApply(json -> {
            List<String> members = new ArrayList<>();
            List<String> admins = new ArrayList<>();
            for (JsonNode member : json.path("members")) {
                members.add(member.path("userId").asText());
                if (member.path("admin").asBoolean()) {
                    admins.add(member.path("userId").asText());
                }
            }
            return new dev.parley.client.GroupMembersPage(json.path("conversationId").asText(),
                    json.path("memberCount").asLong(), members, admins, json.path("cursor").asText(null));
        });
    }

    public CompletableFuture<dev.parley.client.GroupReads> groupReads(String groupId) {
        return call("GET", "/groups/" + segment(groupId) + "/reads", null, 200).thenApply(json -> {
            java.util.Map<String, Long> reads = new java.util.HashMap<>();
            json.path("reads").forEach(read -> reads.put(read.path("userId").asText(), read.path("readSeq").asLong()));
            return new dev.parley.client.GroupReads(json.path("conversationId").asText(), json.path("memberCount").asLong(),
                    reads);
        });
    }

    public CompletableFuture<Void> promote(String groupId, String userId) {
        return call("PUT", "/groups/" + segment(groupId) + "/admins/" + segment(userId), null, 204).thenApply(x -> null);
    }

    public CompletableFuture<Void> demote(String groupId, String userId) {
        return call("DELETE", "/groups/" + segment(groupId) + "/admins/" + segment(userId), null, 204).thenApply(x -> null);
    }

    public CompletableFuture<Void> block(String userId) {
        return call("PUT", "/blocks/" + segment(userId), null, 204).thenApply(x -> null);
    }

    public CompletableFuture<Void> unblock(String userId) {
        return call("DELETE", "/blocks/" + segment(userId), null, 204).thenApply(x -> null);
    }

    public CompletableFuture<List<String>> blocked() {
        return call("GET", "/blocks", null, 200).thenApply(json -> strings(json.path("blocked")));
    }

    /** The setting in force afterwards. */
    public CompletableFuture<Boolean> setMuted(String conversationId, boolean muted) {
        return call("PUT", "/conversations/" + segment(conversationId) + "/settings",
                Wire.JSON.createObjectNode().put("muted", muted), 200).thenApply(json -> json.path("muted").asBoolean());
    }

    public CompletableFuture<ConversationList> conversations() {
        return call("GET", "/conversations", null, 200).thenApply(json -> {
            List<ConversationSummary> conversations = new ArrayList<>();
            for (JsonNode c : json.path("conversations")) {
                conversations.add(new ConversationSummary(c.path("conversationId").asText(), c.path("kind").asText(null),
                        c.path("name").asText(null), c.path("lastSeq").asLong(), c.path("readSeq").asLong(), c.path("unread").asLong(),
                        c.path("admin").asBoolean()));
            }
            return new ConversationList(conversations, json.path("totalUnread").asLong());
        });
    }

    public CompletableFuture<List<Presence>> presence(Collection<String> userIds) {
        String users = String.join(",", userIds.stream().map(HttpApi::segment).toList());
        return call("GET", "/presence?users=" + users, null, 200).thenApply(json -> {
            List<Presence> presence = new ArrayList<>();
            for (JsonNode p : json.path("presence")) {
                presence.add(new Presence(p.path("userId").asText(), p.path("online").asBoolean(),
                        p.path("lastActiveAt").asLong()));
            }
            return List.copyOf(presence);
        });
    }

    public CompletableFuture<Void> registerDevice(String deviceId, Platform platform, String pushToken) {
        ObjectNode body = Wire.JSON.createObjectNode().put("platform", platform.wire()).put("pushToken", pushToken);
        return call("PUT", "/devices/" + segment(deviceId), body, 204).thenApply(x -> null);
    }

    public CompletableFuture<Void> unregisterDevice(String deviceId) {
        return call("DELETE", "/devices/" + segment(deviceId), null, 204).thenApply(x -> null);
    }

    private CompletableFuture<JsonNode> call(String method, String path, JsonNode body, int expected) {
        if (baseUrl == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the HTTP API needs ParleyClient.Builder.httpUrl (the local runtime's is http://127.0.0.1:PORT/api)"));
        }
        CompletableFuture<String> token;
        try {
            token = CompletableFuture.supplyAsync(() -> {
                try {
                    return tokens.token();
                } catch (Exception e) {
                    throw new CompletionException("the token supplier failed", e);
                }
            }, tokenThread);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new ClientClosedException("the client is closed"));
        }
        return token.thenCompose(t -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + t)
                    .header("Accept", "application/json");
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        }).thenApply(response -> answer(response, expected));
    }

    private static JsonNode answer(HttpResponse<String> response, int expected) {
        JsonNode json;
        try {
            json = response.body() == null || response.body().isEmpty() ? Wire.JSON.createObjectNode()
                    : Wire.JSON.readTree(response.body());
        } catch (Exception notJson) {
            json = null;
        }
        if (response.statusCode() == expected) {
            return json == null ? Wire.JSON.createObjectNode() : json;
        }
        if (json != null && json.hasNonNull("code")) {
            throw new ServerErrorException(json.get("code").asText(), json.path("message").asText(""));
        }
        throw new ServerErrorException("HTTP_" + response.statusCode(),
                "unexpected answer from " + response.request().method() + " " + response.uri());
    }

    private Group group(JsonNode json) {
        return groups.remember(new Group(json.path("conversationId").asText(), json.path("name").asText(null),
                strings(json.path("members")), strings(json.path("admins"))));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return List.copyOf(values);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
