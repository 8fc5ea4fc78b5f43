package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Trigger;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The WebSocket API: its stage (throttled, access-logged), every WebSocket route of the
 * {@link Catalogue} to its function's live alias (two-way routes with a route response, so the
 * handler's answer goes back to the caller), the authorizer on $connect, and the
 * {@code @connections} grants of the functions that post.
 */
final class WebSocketEndpoint extends Concern {
    private final WebSocketApi api;
    private final WebSocketStage stage;

    WebSocketEndpoint(Construct scope, String id, boolean retainData, boolean apiGatewayAccountRole) {
        super(scope, id);
        api = WebSocketApi.Builder.create(this, "WebSocketApi")
                .description("Parley messaging: clients connect with ?" + Auth.TOKEN_QUERY_PARAMETER + "=<Cognito JWT>")
                .routeSelectionExpression("$request.body.action")
                .build();
        stage = WebSocketStage.Builder.create(this, "WebSocketStage")
                .webSocketApi(api)
                .stageName(ParleyStack.STAGE_NAME)
                .autoDeploy(true)
                .throttle(ParleyStack.stageThrottle())
                .accessLogSettings(AccessLogs.create(this, "WebSocketAccessLogs", AccessLogs.WEBSOCKET_FORMAT, retainData))
                .build();
        if (apiGatewayAccountRole) {
            // WebSocket access logging needs the account's API Gateway CloudWatch role to exist first.
            stage.getNode().addDependency(apiGatewayAccountLogging());
        }
    }

    WebSocketApi api() {
        return api;
    }

    WebSocketStage stage() {
        return stage;
    }

    /** The @connections endpoint ({@code https://...}) the posting functions call. */
    String callbackUrl() {
        return stage.getCallbackUrl();
    }

    /** Routes every catalogue WebSocket route and grants @connections to the functions that post. */
    void route(Functions functions, Auth auth) {
        FunctionSpec authorizerSpec = Catalogue.forTrigger(new Trigger.ConnectAuthorizer()).orElseThrow();
        WebSocketLambdaAuthorizer authorizer = auth.webSocketAuthorizer(functions.function(authorizerSpec));
        for (FunctionSpec spec : Catalogue.ALL) {
            JavaFunction function = functions.function(spec);
            for (Trigger.WebSocketRoute route : spec.webSocketRoutes()) {
                WebSocketRouteOptions.Builder options = WebSocketRouteOptions.builder()
                        .integration(new WebSocketLambdaIntegration(spec.id() + "Integration", function.live()))
                        // A two-way route sends the handler's return value back as the reply frame.
                        .returnResponse(route.twoWay());
                if (route.routeKey().equals("$connect")) {
                    options.authorizer(authorizer);
                }
                api.addRoute(route.routeKey(), options.build());
            }
            if (spec.postsToConnections()) {
                stage.grantManagementApiAccess(function.function());
                Nag.suppress(function.function(), "AwsSolutions-IAM5",
                        "Connection ids are created at run time, so @connections/* is the narrowest resource: it is "
                                + "limited to this API's " + ParleyStack.STAGE_NAME + " stage and to the "
                                + "ManageConnections action.",
                        "Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<"
                                + Nag.logicalId(api) + ">/" + ParleyStack.STAGE_NAME + "/*/@connections/*");
            }
        }
        Nag.suppress(api, "AwsSolutions-APIG4",
                "API Gateway authorizes a WebSocket connection once, on $connect (custom authorizer "
                        + "above); later routes run on that authenticated connection and receive the "
                        + "authorizer's principal. They cannot have an authorizer of their own.");
    }

    /**
     * API Gateway writes WebSocket access logs through the account-wide CloudWatch role
     * (AWS::ApiGateway::Account: one per account and Region, shared by every REST and WebSocket API),
     * which a fresh account does not have; a stage with access logs cannot be deployed without it.
     * Declared only with {@code -c apiGatewayAccountRole=true}, because it replaces whatever role the
     * account has. The role is retained on stack deletion because the account setting outlives the
     * stack and other APIs may use it; removing the resource from the stack leaves the setting as it is.
     */
    private CfnAccount apiGatewayAccountLogging() {
        Role role = Role.Builder.create(this, "ApiGatewayCloudWatchRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName(
                        "service-role/AmazonAPIGatewayPushToCloudWatchLogs")))
                .build();
        role.applyRemovalPolicy(RemovalPolicy.RETAIN);
        CfnAccount account = CfnAccount.Builder.create(this, "ApiGatewayAccount")
                .cloudWatchRoleArn(role.getRoleArn())
                .build();
        account.getNode().addDependency(role);
        Nag.suppress(role, "AwsSolutions-IAM4",
                "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's "
                        + "account logging role; it only creates and writes log groups and streams.",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
        return account;
    }
}
