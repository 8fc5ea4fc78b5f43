package dev.parley.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Functions behind the gateway for its own tests: an authorizer that admits {@code ?user=NAME}
 * and routes whose answers the test chooses. No Parley code and no DynamoDB: what is tested is
 * the gateway alone.
 */
final class StubIntegrations implements Integrations {
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, Function<APIGatewayV2WebSocketEvent, String>> answers = new ConcurrentHashMap<>();

    StubIntegrations() {
        route("$connect", false, event -> null);
        route("$disconnect", false, event -> null);
        route("$default", true, event -> "default:" + event.getBody());
    }

    /** A route whose integration answers with the given body (null: no body). */
    StubIntegrations route(String routeKey, boolean twoWay, Function<APIGatewayV2WebSocketEvent, String> answer) {
        routes.put(routeKey, new Route(routeKey, twoWay));
        answers.put(routeKey, answer);
        return this;
    }

    @Override
    public Optional<Route> route(String routeKey) {
        return Optional.ofNullable(routes.get(routeKey));
    }

    @Override
    public IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event) {
        Map<String, String> query = event.getQueryStringParameters();
        String user = query == null ? null : query.get("user");
        if (user == null) {
            throw new RuntimeException("Unauthorized");
        }
        return IamPolicyResponseV1.builder()
                .withPrincipalId(user)
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(List.of(IamPolicyResponseV1.allowStatement(event.getMethodArn())))
                        .build())
                .withContext(Map.of("userId", user))
                .build();
    }

    /** A {@code $disconnect} as the gateway reported it: the connection, the close's status and reason. */
    record Disconnect(String connectionId, int statusCode, String reason) {}

    final List<Disconnect> disconnects = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void disconnect(APIGatewayV2WebSocketEvent event, int statusCode, String reason) {
        disconnects.add(new Disconnect(event.getRequestContext().getConnectionId(), statusCode, reason));
        invoke("$disconnect", event);
    }

    @Override
    public APIGatewayV2WebSocketResponse invoke(String routeKey, APIGatewayV2WebSocketEvent event) {
        String body = answers.get(routeKey).apply(event);
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(200);
        response.setBody(body);
        return response;
    }
}
