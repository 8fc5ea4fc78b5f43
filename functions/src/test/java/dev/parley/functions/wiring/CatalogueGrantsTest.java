package dev.parley.functions.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.functions.support.Fixtures;
import dev.parley.functions.support.GrantGuard;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * Every handler of the catalogue, run through its common paths against DynamoDB Local with a
 * client that allows only the actions its catalogue entry grants (as IAM will on AWS). A handler
 * that starts calling an action its entry lacks fails here rather than with AccessDenied in
 * production. The @connections API and the push webhook answer 410 to everything, so the
 * cleanup paths (gone connections, invalid push tokens) run too.
 */
class CatalogueGrantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer gone;
    private static ParleyConfig config;

    private final Map<FunctionSpec, GrantGuard> guards = new LinkedHashMap<>();
    private final String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
    private final String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
    private final String carol = "carol-" + UUID.randomUUID().toString().substring(0, 8);
    private final String direct = ConversationId.direct(alice, bob);

    @BeforeAll
    static void goneEverywhere() throws Exception {
        gone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gone.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "GoneException");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = "{\"message\":\"gone\"}".getBytes();
            exchange.sendResponseHeaders(410, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gone.start();
        String url = "http://127.0.0.1:" + gone.getAddress().getPort();
        config = TestDynamo.CONFIG.with(Setting.CONNECTIONS_ENDPOINT, url).with(Setting.PUSH_WEBHOOK_URL, url + "/push");
    }

    @AfterAll
    static void stop() {
        gone.stop(0);
    }

    @Test
    void everyHandlerCallsOnlyTheDynamoDbActionsItsCatalogueEntryGrants() throws Exception {
        connect(alice, "A1");
        connect(bob, "B1");
        send(alice, "A1", "{\"action\":\"send\",\"requestId\":\"r1\",\"to\":\"" + bob + "\",\"clientMsgId\":\"c1\",\"body\":{\"text\":\"hi\"}}");
        send(alice, "A1", "{\"action\":\"send\",\"requestId\":\"r2\",\"to\":\"" + bob + "\",\"clientMsgId\":\"c1\",\"body\":{\"text\":\"hi\"}}");

        APIGatewayV2HTTPResponse created = http(Catalogue.GROUPS, alice, "POST /groups", Map.of(),
                "{\"name\":\"team\",\"members\":[\"" + bob + "\"]}");
        String group = JSON.readTree(created.getBody()).get("conversationId").asText();
        http(Catalogue.GROUPS, alice, "POST /groups/{id}/members", Map.of("id", group), "{\"members\":[\"" + carol + "\"]}");
        http(Catalogue.GROUPS, alice, "DELETE /groups/{id}/members/{userId}", Map.of("id", group, "userId", carol), null);
        // Protocol v2 administration: rename, promote, demote, an admin's removal (a transaction with the count).
        http(Catalogue.GROUPS, alice, "PATCH /groups/{id}", Map.of("id", group), "{\"name\":\"renamed\"}");
        http(Catalogue.GROUPS, alice, "PUT /groups/{id}/admins/{userId}", Map.of("id", group, "userId", bob), null);
        http(Catalogue.GROUPS, bob, "DELETE /groups/{id}/admins/{userId}", Map.of("id", group, "userId", alice), null);
        http(Catalogue.GROUPS, bob, "PUT /groups/{id}/admins/{userId}", Map.of("id", group, "userId", alice), null);
        http(Catalogue.GROUPS, bob, "POST /groups/{id}/members", Map.of("id", group), "{\"members\":[\"" + carol + "\"]}");
        http(Catalogue.GROUPS, bob, "PUT /groups/{id}/admins/{userId}", Map.of("id", group, "userId", carol), null);
        http(Catalogue.GROUPS, carol, "DELETE /groups/{id}/members/{userId}", Map.of("id", group, "userId", carol), null);
        // Blocks and mute: carol blocks alice, whose send to her is then refused by the counter's condition.
        http(Catalogue.SETTINGS, carol, "PUT /blocks/{userId}", Map.of("userId", alice), null);
        http(Catalogue.SETTINGS, carol, "GET /blocks", Map.of(), null);
        send(alice, "A1", "{\"action\":\"send\",\"requestId\":\"rb\",\"to\":\"" + carol
                + "\",\"clientMsgId\":\"cb\",\"body\":{\"text\":\"hi\"}}");
        connect(carol, "C1");
        http(Catalogue.PRESENCE_QUERY, alice, "GET /presence", Map.of(), null, Map.of("users", carol));
        http(Catalogue.SETTINGS, carol, "DELETE /blocks/{userId}", Map.of("userId", alice), null);
        http(Catalogue.SETTINGS, carol, "DELETE /blocks/{userId}", Map.of("userId", alice), null);
        http(Catalogue.SETTINGS, bob, "PUT /conversations/{id}/settings", Map.of("id", direct), "{\"muted\":true}");
        http(Catalogue.SETTINGS, carol, "PUT /conversations/{id}/settings", Map.of("id", ConversationId.direct(alice, carol)),
                "{\"muted\":true}");
        send(alice, "A1", "{\"action\":\"send\",\"requestId\":\"r3\",\"conversationId\":\"" + group
                + "\",\"clientMsgId\":\"c2\",\"body\":{\"text\":\"all\"}}");
        // Protocol v2's send over HTTP: a first send, its resend, and one into the group.
        http(Catalogue.SEND_HTTP, alice, "POST /users/{userId}/messages", Map.of("userId", bob),
                "{\"clientMsgId\":\"h1\",\"body\":{\"text\":\"over http\"}}");
        http(Catalogue.SEND_HTTP, alice, "POST /users/{userId}/messages", Map.of("userId", bob),
                "{\"clientMsgId\":\"h1\",\"body\":{\"text\":\"over http\"}}");
        http(Catalogue.SEND_HTTP, bob, "POST /conversations/{id}/messages", Map.of("id", group),
                "{\"clientMsgId\":\"h2\",\"body\":{\"text\":\"all, over http\"}}");

        // Protocol v2: events on message 1 of the direct conversation, and typing in both conversations.
        webSocket(Catalogue.MESSAGE_EVENTS, bob, "B1", "{\"action\":\"react\",\"conversationId\":\"" + direct
                + "\",\"seq\":1,\"clientMsgId\":\"e1\",\"emoji\":\"+1\"}");
        webSocket(Catalogue.MESSAGE_EVENTS, bob, "B1", "{\"action\":\"react\",\"conversationId\":\"" + direct
                + "\",\"seq\":1,\"clientMsgId\":\"e2\",\"emoji\":\"+1\",\"remove\":true}");
        webSocket(Catalogue.MESSAGE_EVENTS, bob, "B1", "{\"action\":\"react\",\"conversationId\":\"" + direct
                + "\",\"seq\":1,\"clientMsgId\":\"e3\",\"emoji\":\"ok\"}");
        webSocket(Catalogue.MESSAGE_EVENTS, alice, "A1", "{\"action\":\"edit\",\"conversationId\":\"" + direct
                + "\",\"seq\":1,\"clientMsgId\":\"e4\",\"body\":{\"text\":\"hi!\"}}");
        webSocket(Catalogue.HISTORY, bob, "B1", "{\"action\":\"history\",\"requestId\":\"y0\",\"conversationId\":\""
                + direct + "\"}");
        webSocket(Catalogue.MESSAGE_EVENTS, alice, "A1", "{\"action\":\"delete\",\"conversationId\":\"" + group
                + "\",\"seq\":1,\"clientMsgId\":\"e5\"}");
        webSocket(Catalogue.TYPING, alice, "A1", "{\"action\":\"typing\",\"conversationId\":\"" + direct
                + "\",\"state\":\"start\"}");
        webSocket(Catalogue.TYPING, alice, "A1", "{\"action\":\"typing\",\"conversationId\":\"" + group
                + "\",\"state\":\"stop\"}");

        webSocket(Catalogue.HEARTBEAT, alice, "A1", "{\"action\":\"heartbeat\",\"requestId\":\"h1\"}");
        webSocket(Catalogue.SYNC, alice, "A1", "{\"action\":\"sync\",\"requestId\":\"s1\"}");
        webSocket(Catalogue.SYNC, alice, "A1", "{\"action\":\"sync\",\"requestId\":\"s2\",\"cursors\":{\"" + direct
                + "\":0,\"g:nobody-has-this\":0}}");
        webSocket(Catalogue.SYNC, alice, "A1", "{\"action\":\"sync\",\"requestId\":\"s3\",\"since\":\"\",\"limit\":5}");
        webSocket(Catalogue.HISTORY, alice, "A1", "{\"action\":\"history\",\"requestId\":\"y1\",\"conversationId\":\""
                + direct + "\"}");
        webSocket(Catalogue.ACK, bob, "B1", "{\"action\":\"ack\",\"conversationId\":\"" + direct + "\",\"seq\":1}");
        webSocket(Catalogue.READ_CURSOR, bob, "B1", "{\"action\":\"read\",\"conversationId\":\"" + direct + "\",\"seq\":1}");
        webSocket(Catalogue.DEFAULT_ROUTE, bob, "B1", "not json");

        http(Catalogue.CONVERSATIONS_LIST, bob, "GET /conversations", Map.of(), null);
        http(Catalogue.CONVERSATIONS_LIST, bob, "GET /conversations", Map.of(), null, Map.of("limit", "1"));
        http(Catalogue.CONVERSATIONS_LIST, bob, "GET /conversations/{id}/messages", Map.of("id", direct), null);
        http(Catalogue.DEVICES_ROUTES, bob, "PUT /devices/{deviceId}", Map.of("deviceId", "bob-phone"),
                "{\"platform\":\"fcm\",\"pushToken\":\"token-12345678\"}");
        http(Catalogue.PRESENCE_QUERY, bob, "GET /presence", Map.of(), null, Map.of("users", alice + "," + bob));
        // Presigning calls nothing; the object-created function reads the record of an upload (none here).
        http(Catalogue.ATTACHMENTS, alice, "POST /attachments", Map.of(), "{\"conversationId\":\"" + direct
                + "\",\"contentType\":\"image/png\",\"size\":10,\"fileName\":\"a.png\"}");
        handler(Catalogue.THUMBNAILS, S3Event.class).handleRequest(new S3Event(List.of(
                new S3EventNotification.S3EventNotificationRecord("us-east-1", "ObjectCreated:Put", "aws:s3", null, "2.1",
                        null, null, new S3EventNotification.S3Entity("id", new S3EventNotification.S3BucketEntity("b", null, null),
                        new S3EventNotification.S3ObjectEntity("uploads/no-such-attachment", 10L, null, null, null), "1.0"),
                        null))), null);

        // bob's connection answers 410 and his push token is refused: both are removed.
        handler(Catalogue.FANOUT, DynamodbEvent.class).handleRequest(Fixtures.event("dynamodb-stream-batch.json",
                DynamodbEvent.class, text -> text.replace("dm:alice:bob", direct)
                        .replace("\"senderId\": {\"S\": \"alice\"}", "\"senderId\": {\"S\": \"" + alice + "\"}")), null);
        // The chunk function: a chunk of one message for bob (no member read, his live item read).
        SQSEvent.SQSMessage chunk = new SQSEvent.SQSMessage();
        chunk.setMessageId("c1");
        chunk.setBody("{\"c\":\"" + direct + "\",\"r\":{\"" + bob + "\":0},\"e\":[{\"i\":\"1\",\"s\":1,\"f\":\""
                + alice + "\",\"k\":\"k1\",\"b\":\"{\\\"text\\\":\\\"hi\\\"}\",\"t\":1,\"y\":0}]}");
        SQSEvent chunks = new SQSEvent();
        chunks.setRecords(List.of(chunk));
        handler(Catalogue.FANOUT_CHUNKS, SQSEvent.class).handleRequest(chunks, null);
        // The notification function: a notice for bob's offline phone (registered above).
        SQSEvent.SQSMessage notice = new SQSEvent.SQSMessage();
        notice.setMessageId("n1");
        notice.setBody("{\"notices\":[{\"c\":\"" + direct + "\",\"s\":1,\"f\":\"" + alice
                + "\",\"p\":\"hi\",\"r\":{\"" + bob + "\":[]}}]}");
        SQSEvent notices = new SQSEvent();
        notices.setRecords(List.of(notice));
        handler(Catalogue.NOTIFY, SQSEvent.class).handleRequest(notices, null);
        SQSEvent.SQSMessage check = new SQSEvent.SQSMessage();
        check.setMessageId("m1");
        check.setBody(bob);
        SQSEvent.SQSMessage publish = new SQSEvent.SQSMessage();
        publish.setMessageId("m2");
        publish.setBody("publish:" + alice);
        SQSEvent checks = new SQSEvent();
        checks.setRecords(List.of(check, publish));
        handler(Catalogue.PRESENCE_CHECK, SQSEvent.class).handleRequest(checks, null);
        http(Catalogue.DEVICES_ROUTES, bob, "DELETE /devices/{deviceId}", Map.of("deviceId", "bob-phone"), null);
        try {
            handler(Catalogue.DISCONNECT, Map.class).handleRequest(new ObjectMapper()
                    .convertValue(webSocketEvent("$disconnect", alice, "A1", null), Map.class), null);
        } catch (RuntimeException noQueueInThisTest) {
            // the offline check is scheduled on SQS, which this test does not run
        }

        guards.forEach((spec, guard) -> assertThat(guard.refused()).as(spec.id() + " used " + guard.used()).isEmpty());
        assertThat(guards.keySet()).as("handlers exercised").hasSizeGreaterThanOrEqualTo(Catalogue.ALL.size() - 1);
    }

    private void connect(String user, String connectionId) {
        handler(Catalogue.CONNECT, APIGatewayV2WebSocketEvent.class)
                .handleRequest(webSocketEvent("$connect", user, connectionId, null), null);
    }

    private void send(String user, String connectionId, String body) {
        webSocket(Catalogue.SEND, user, connectionId, body);
    }

    private void webSocket(FunctionSpec spec, String user, String connectionId, String body) {
        String routeKey = spec.webSocketRoutes().get(0).routeKey();
        handler(spec, APIGatewayV2WebSocketEvent.class).handleRequest(webSocketEvent(routeKey, user, connectionId, body), null);
    }

    private APIGatewayV2HTTPResponse http(FunctionSpec spec, String user, String routeKey, Map<String, String> path,
                                          String body) {
        return http(spec, user, routeKey, path, body, Map.of());
    }

    private APIGatewayV2HTTPResponse http(FunctionSpec spec, String user, String routeKey, Map<String, String> path,
                                          String body, Map<String, String> query) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRouteKey(routeKey)
                .withPathParameters(path)
                .withQueryStringParameters(query)
                .withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(UUID.randomUUID().toString())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", user)).build())
                                .build())
                        .build())
                .build();
        APIGatewayV2HTTPResponse response = (APIGatewayV2HTTPResponse) handler(spec, APIGatewayV2HTTPEvent.class)
                .handleRequest(event, null);
        assertThat(response.getStatusCode()).as(routeKey + ": " + response.getBody()).isLessThan(300);
        return response;
    }

    private static APIGatewayV2WebSocketEvent webSocketEvent(String routeKey, String user, String connectionId, String body) {
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setRouteKey(routeKey);
        context.setConnectionId(connectionId + "-" + user);
        context.setAuthorizer(Map.of("userId", user, "deviceId", connectionId));
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        event.setBody(body);
        return event;
    }

    /** The handler the catalogue names, built on a wiring whose DynamoDB client has the entry's grants only. */
    @SuppressWarnings("unchecked")
    private <I> RequestHandler<I, Object> handler(FunctionSpec spec, Class<I> event) {
        GrantGuard guard = guards.computeIfAbsent(spec, s -> new GrantGuard(s, config));
        Wiring wiring = new Wiring(config, TestDynamo.client(guard), () -> ApiGatewayManagementApiClient.builder()
                .endpointOverride(URI.create(config.get(Setting.CONNECTIONS_ENDPOINT)))
                .region(DynamoDbLocal.REGION).credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build(), () -> null, S3Clients.of(
                config.with(Setting.S3_ENDPOINT, "http://127.0.0.1:9"), DynamoDbLocal.REGION, DynamoDbLocal.CREDENTIALS,
                UrlConnectionHttpClient.create()), Clock.systemUTC());
        try {
            return (RequestHandler<I, Object>) Class.forName(spec.handlerClass()).getConstructor(Wiring.class)
                    .newInstance(wiring);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
