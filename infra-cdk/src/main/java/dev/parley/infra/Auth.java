package dev.parley.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizerProps;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.HttpAuthorizerAttributes;
import software.amazon.awscdk.services.apigatewayv2.HttpAuthorizerType;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.constructs.Construct;

/**
 * Who may connect: the Cognito user pool that issues tokens, its app client, the Lambda REQUEST
 * authorizer of the WebSocket {@code $connect} and the JWT authorizer of the HTTP API.
 */
final class Auth extends Concern {
    /** The WebSocket query string parameter carrying the Cognito token on $connect. */
    static final String TOKEN_QUERY_PARAMETER = "token";

    private final UserPool userPool;
    private final UserPoolClient appClient;
    private final String issuer;

    Auth(Construct scope, String id, boolean retainData) {
        super(scope, id);
        userPool = UserPool.Builder.create(this, "UserPool")
                // Operators create accounts (admin-create-user); nobody signs up on their own.
                .selfSignUpEnabled(false)
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(12)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .tempPasswordValidity(Duration.days(3))
                        .build())
                // No email or SMS sender is configured; an operator resets a password with
                // admin-set-user-password.
                .accountRecovery(AccountRecovery.NONE)
                // Password sign-in is all Parley uses; Lite is the cheapest plan past the free tier.
                .featurePlan(FeaturePlan.LITE)
                // Users' subs are the ids in every table: losing the pool orphans all messages.
                .removalPolicy(retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .deletionProtection(retainData)
                .build();
        Nag.suppress(userPool, "AwsSolutions-COG2", "MFA is off so that headless clients and the documented CLI "
                + "walkthrough can sign in with USER_PASSWORD_AUTH. Parley only verifies the tokens "
                + "Cognito issues, so operators who need MFA can require it on the pool unchanged.");
        Nag.suppress(userPool, "AwsSolutions-COG3", "Advanced security (threat protection) needs the Plus feature "
                + "plan, billed per monthly active user; self sign-up is off, so accounts are only "
                + "created by operators.");
        appClient = userPool.addClient("AppClient", UserPoolClientOptions.builder()
                // USER_PASSWORD_AUTH lets `aws cognito-idp initiate-auth` fetch a token; SRP is
                // what the Amplify and Cognito SDKs use, so the password never leaves the client.
                .authFlows(AuthFlow.builder().userPassword(true).userSrp(true).build())
                // A public client (CLI, mobile, browser): a secret could not be kept secret there.
                .generateSecret(false)
                .preventUserExistenceErrors(true)
                .build());
        Stack stack = Stack.of(this);
        issuer = "https://cognito-idp." + stack.getRegion() + "." + stack.getUrlSuffix() + "/" + userPool.getUserPoolId();
    }

    UserPool userPool() {
        return userPool;
    }

    UserPoolClient appClient() {
        return appClient;
    }

    /** The token issuer ({@code iss}) every function and authorizer trusts. */
    String issuer() {
        return issuer;
    }

    String jwksUrl() {
        return issuer + "/.well-known/jwks.json";
    }

    /** The Lambda REQUEST authorizer of $connect, invoking the authorizer function's live alias. */
    WebSocketLambdaAuthorizer webSocketAuthorizer(JavaFunction authorizer) {
        return new WebSocketLambdaAuthorizer("TokenAuthorizer", authorizer.live(),
                WebSocketLambdaAuthorizerProps.builder()
                        .authorizerName("CognitoTokenAuthorizer")
                        // API Gateway calls the authorizer only when every identity source is present
                        // and answers 401 itself otherwise; sources are ANDed, not ORed. Browsers
                        // cannot set headers on a WebSocket, so the token travels in the query string,
                        // and that is the one required source. The authorizer reads the query parameter
                        // or an Authorization header, but on AWS the query parameter must be present.
                        // WebSocket authorizers have no result cache, so every $connect is verified.
                        .identitySource(List.of("route.request.querystring." + TOKEN_QUERY_PARAMETER))
                        .build());
    }

    /** The Cognito JWT authorizer of an HTTP API ({@code Authorization: Bearer <token>}). */
    IHttpRouteAuthorizer httpAuthorizer(HttpApi api) {
        HttpAuthorizer jwtAuthorizer = HttpAuthorizer.Builder.create(this, "HttpJwtAuthorizer")
                .httpApi(api)
                .authorizerName("CognitoJwt")
                .type(HttpAuthorizerType.JWT)
                .identitySource(List.of("$request.header.Authorization"))
                .jwtIssuer(issuer)
                .jwtAudience(List.of(appClient.getUserPoolClientId()))
                .build();
        // Routes bind this reference to the authorizer declared above, so the authorizer is in the
        // template once whatever the number of routes.
        return HttpAuthorizer.fromHttpAuthorizerAttributes(this, "HttpJwtRouteAuthorizer",
                HttpAuthorizerAttributes.builder()
                        .authorizerId(jwtAuthorizer.getAuthorizerId())
                        .authorizerType("JWT")
                        .build());
    }
}
