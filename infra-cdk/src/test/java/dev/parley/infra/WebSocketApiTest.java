package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.joinContaining;
import static dev.parley.infra.SynthesizedStack.logicalId;
import static dev.parley.infra.SynthesizedStack.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Trigger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class WebSocketApiTest {
    private static final List<String> TWO_WAY_ROUTES = Catalogue.webSocketRoutes().stream()
            .filter(Trigger.WebSocketRoute::twoWay).map(Trigger.WebSocketRoute::routeKey).toList();

    @Test
    void routesSelectOnTheActionFieldOfTheFrame() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of(
                "ProtocolType", "WEBSOCKET",
                "RouteSelectionExpression", "$request.body.action"));
    }

    @Test
    void everyCatalogueRouteIsDeployedAndNoOther() {
        for (String routeKey : List.of("$connect", "$disconnect", "$default", "send", "heartbeat", "sync", "history",
                "ack", "read")) {
            TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", routeKey));
        }
        for (Trigger.WebSocketRoute route : Catalogue.webSocketRoutes()) {
            TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
                    "ApiId", ref(SynthesizedStack.STACK.webSocket().api()), "RouteKey", route.routeKey()));
        }
        TEMPLATE.resourcePropertiesCountIs("AWS::ApiGatewayV2::Route",
                Map.of("ApiId", ref(SynthesizedStack.STACK.webSocket().api())), Catalogue.webSocketRoutes().size());
    }

    @Test
    void connectIsTheOnlyRouteWithTheCustomAuthorizer() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
                "RouteKey", "$connect",
                "AuthorizationType", "CUSTOM",
                "AuthorizerId", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("WebSocketApiTokenAuthorizer.*")))));
        TEMPLATE.resourcePropertiesCountIs("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "CUSTOM"), 1);
    }

    @Test
    void authorizerIsALambdaRequestAuthorizerReadingTheTokenQueryParameter() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of(
                "AuthorizerType", "REQUEST",
                // The one identity source API Gateway checks before calling the authorizer.
                "IdentitySource", List.of("route.request.querystring.token"),
                "AuthorizerUri", joinContaining(ref(function(Catalogue.CONNECT_AUTHORIZER).live()))));
    }

    @Test
    void authorizerGetsCognitoVerificationSettings() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", Catalogue.CONNECT_AUTHORIZER.lambdaHandler(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "JWKS_URL", joinContaining("https://cognito-idp.", "/.well-known/jwks.json"),
                        "JWT_ISSUER", Match.anyValue(),
                        "JWT_AUDIENCE", ref(SynthesizedStack.STACK.auth().appClient()))))));
    }

    @Test
    void everyTwoWayRouteReturnsTheHandlersReplyToTheCaller() {
        assertThat(TWO_WAY_ROUTES).contains("$default", "send", "heartbeat", "sync", "history");
        for (String routeKey : TWO_WAY_ROUTES) {
            TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
                    "RouteKey", routeKey,
                    "RouteResponseSelectionExpression", "$default"));
        }
        TEMPLATE.resourcePropertiesCountIs("AWS::ApiGatewayV2::RouteResponse", Map.of("RouteResponseKey", "$default"),
                TWO_WAY_ROUTES.size());
    }

    /**
     * Issue 12: a two-way route whose handler answers no body still sends an empty message on AWS,
     * so ack and read are one-way (no route response); their refusals are posted to the caller,
     * which needs the @connections grant (docs/local-runtime.md, "two-way routes").
     */
    @Test
    void ackAndReadAreOneWayRoutesThatMayPostTheirRefusals() {
        for (String routeKey : List.of("ack", "read")) {
            assertThat(TWO_WAY_ROUTES).doesNotContain(routeKey);
            TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
                    "RouteKey", routeKey, "RouteResponseSelectionExpression", Match.absent()));
        }
        assertThat(Catalogue.ACK.postsToConnections()).isTrue();
        assertThat(Catalogue.READ_CURSOR.postsToConnections()).isTrue();
    }

    @Test
    void integrationsInvokeTheLiveAliasSoSnapStartApplies() {
        List<FunctionSpec> routed = Catalogue.ALL.stream().filter(spec -> !spec.webSocketRoutes().isEmpty()).toList();
        for (FunctionSpec handler : routed) {
            TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of(
                    "IntegrationType", "AWS_PROXY",
                    "IntegrationUri", joinContaining(ref(function(handler).live()))));
            // Never the unqualified function ($LATEST), which SnapStart does not cover.
            TEMPLATE.resourcePropertiesCountIs("AWS::ApiGatewayV2::Integration", Map.of(
                    "IntegrationUri", joinContaining(Map.of("Fn::GetAtt",
                            List.of(logicalId(function(handler).function()), "Arn")))), 0);
        }
        // plus one integration per HTTP API function
        TEMPLATE.resourceCountIs("AWS::ApiGatewayV2::Integration", Catalogue.webSocketRoutes().size()
                + (int) Catalogue.ALL.stream().filter(spec -> !spec.httpRoutes().isEmpty()).count());
    }

    @Test
    void stageDeploysItselfThrottlesAndWritesJsonAccessLogs() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", ParleyStack.STAGE_NAME,
                "AutoDeploy", true,
                "DefaultRouteSettings", Map.of(
                        "ThrottlingRateLimit", ParleyStack.THROTTLE_RATE_LIMIT,
                        "ThrottlingBurstLimit", ParleyStack.THROTTLE_BURST_LIMIT),
                "AccessLogSettings", Map.of(
                        "DestinationArn", Match.anyValue(),
                        "Format", Match.stringLikeRegexp("^\\{\"requestId\":\"\\$context.requestId\".*\\}$"))));
    }

    @Test
    void theAccountWideApiGatewayLoggingRoleIsLeftAloneByDefault() {
        // One per account and Region, shared by every API: declaring it would replace another team's role.
        TEMPLATE.resourceCountIs("AWS::ApiGateway::Account", 0);
        TEMPLATE.resourcePropertiesCountIs("AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "apigateway.amazonaws.com"))))))), 0);
    }

    @Test
    void withTheOptionAccessLoggingWaitsForTheAccountsApiGatewayLoggingRole() {
        Template template = SynthesizedStack.withContext(Map.of("apiGatewayAccountRole", "true"));
        template.hasResource("AWS::ApiGatewayV2::Stage", Map.of(
                "Properties", Map.of("StageName", ParleyStack.STAGE_NAME),
                "DependsOn", Match.arrayWith(List.of("ApiGatewayAccount"))));
        template.hasResourceProperties("AWS::ApiGateway::Account", Map.of("CloudWatchRoleArn", Match.anyValue()));
        template.hasResource("AWS::IAM::Role", Map.of("DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of("ManagedPolicyArns", List.of(
                        joinContaining(":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"))))));
    }

    @Test
    void authorizerMayInvokeOnlyItsAlias() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction",
                "Principal", "apigateway.amazonaws.com",
                "FunctionName", ref(function(Catalogue.CONNECT_AUTHORIZER).live()),
                "SourceArn", joinContaining(Match.stringLikeRegexp(".*/authorizers/.*"))));
        assertThat(logicalId(function(Catalogue.CONNECT_AUTHORIZER).live())).startsWith("ConnectAuthorizerAliaslive");
    }
}
