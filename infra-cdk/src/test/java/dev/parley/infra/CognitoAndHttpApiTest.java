package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.joinContaining;
import static dev.parley.infra.SynthesizedStack.ref;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Trigger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.constructs.IConstruct;

class CognitoAndHttpApiTest {
    private static final IConstruct USER_POOL = STACK.auth().userPool();
    private static final IConstruct APP_CLIENT = STACK.auth().appClient();

    @Test
    void everyHttpRouteOfTheProtocolIsBehindTheJwtAuthorizer() {
        for (Trigger.HttpRoute route : Catalogue.httpRoutes()) {
            TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of(
                    "RouteKey", route.routeKey(),
                    "AuthorizationType", "JWT"));
        }
        TEMPLATE.resourcePropertiesCountIs("AWS::ApiGatewayV2::Route",
                Map.of("ApiId", ref(STACK.http().api())), Catalogue.httpRoutes().size());
    }

    @Test
    void onlyOperatorsCreateUsersAndPasswordsAreStrong() {
        TEMPLATE.hasResourceProperties("AWS::Cognito::UserPool", Map.of(
                "AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", true),
                "Policies", Map.of("PasswordPolicy", Map.of(
                        "MinimumLength", 12,
                        "RequireLowercase", true,
                        "RequireUppercase", true,
                        "RequireNumbers", true,
                        "RequireSymbols", true,
                        "TemporaryPasswordValidityDays", 3))));
    }

    @Test
    void userPoolOutlivesTheStackBecauseItsSubsAreTheUserIdsInEveryTable() {
        TEMPLATE.hasResource("AWS::Cognito::UserPool", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtection", "ACTIVE")),
                "DeletionPolicy", "Retain"));
    }

    @Test
    void appClientIsPublicAndAllowsPasswordAndSrpSignIn() {
        TEMPLATE.hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of(
                "UserPoolId", ref(USER_POOL),
                "ExplicitAuthFlows", Match.arrayWith(List.of("ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH")),
                "GenerateSecret", false,
                "PreventUserExistenceErrors", "ENABLED"));
    }

    @Test
    void httpApiAnswersCorsPreflights() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of(
                "ProtocolType", "HTTP",
                "CorsConfiguration", Map.of(
                        "AllowOrigins", List.of("*"),
                        "AllowHeaders", List.of("authorization", "content-type"),
                        "AllowMethods", List.of("DELETE", "GET", "PATCH", "POST", "PUT"),
                        "MaxAge", 86_400)));
    }

    @Test
    void httpApiHasAJwtAuthorizerTrustingTheUserPoolAndItsClient() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of(
                "ApiId", ref(STACK.http().api()),
                "AuthorizerType", "JWT",
                "IdentitySource", List.of("$request.header.Authorization"),
                "JwtConfiguration", Map.of(
                        "Audience", List.of(ref(APP_CLIENT)),
                        "Issuer", joinContaining("https://cognito-idp.", ref(USER_POOL)))));
    }

    @Test
    void httpApiDefaultStageDeploysItselfThrottlesAndLogs() {
        TEMPLATE.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "ApiId", ref(STACK.http().api()),
                "StageName", "$default",
                "AutoDeploy", true,
                "DefaultRouteSettings", Map.of(
                        "ThrottlingRateLimit", ParleyStack.THROTTLE_RATE_LIMIT,
                        "ThrottlingBurstLimit", ParleyStack.THROTTLE_BURST_LIMIT),
                "AccessLogSettings", Map.of("DestinationArn", Match.anyValue(), "Format", Match.anyValue())));
    }
}
