package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Trigger;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.constructs.Construct;

/**
 * The HTTP API: every HTTP route of the {@link Catalogue} to its function's live alias (one
 * integration per function), behind the Cognito JWT authorizer, with CORS, throttling and access
 * logs on its {@code $default} stage.
 */
final class HttpEndpoint extends Concern {
    private final HttpApi api;
    private final HttpStage stage;

    HttpEndpoint(Construct scope, String id, Functions functions, Auth auth, List<String> corsAllowOrigins,
                 boolean retainData) {
        super(scope, id);
        api = HttpApi.Builder.create(this, "HttpApi")
                .description("Parley HTTP API (Authorization: Bearer <Cognito JWT>)")
                // The stage is declared below with access logs and throttling.
                .createDefaultStage(false)
                .corsPreflight(CorsPreflightOptions.builder()
                        // Tokens travel in the Authorization header, not cookies, so any origin may
                        // call; set -c corsAllowOrigins=https://app.example.com,... to narrow it.
                        .allowOrigins(corsAllowOrigins)
                        .allowHeaders(List.of("authorization", "content-type"))
                        // Every method a route of the catalogue uses (PATCH since protocol v2's rename).
                        .allowMethods(Catalogue.httpRoutes().stream().map(route -> route.method()).distinct().sorted()
                                .map(CorsHttpMethod::valueOf).toList())
                        .maxAge(Duration.days(1))
                        .build())
                .build();
        IHttpRouteAuthorizer authorizer = auth.httpAuthorizer(api);
        for (FunctionSpec spec : Catalogue.ALL) {
            if (spec.httpRoutes().isEmpty()) {
                continue;
            }
            HttpLambdaIntegration integration = new HttpLambdaIntegration(spec.id() + "HttpIntegration",
                    functions.function(spec).live());
            for (Trigger.HttpRoute route : spec.httpRoutes()) {
                api.addRoutes(AddRoutesOptions.builder()
                        .path(route.path())
                        .methods(List.of(HttpMethod.valueOf(route.method())))
                        .integration(integration)
                        .authorizer(authorizer)
                        .build());
            }
        }
        stage = api.addStage("HttpDefaultStage", HttpStageOptions.builder()
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ParleyStack.stageThrottle())
                .accessLogSettings(AccessLogs.create(this, "HttpAccessLogs", AccessLogs.HTTP_FORMAT, retainData))
                .build());
    }

    HttpApi api() {
        return api;
    }

    HttpStage stage() {
        return stage;
    }
}
