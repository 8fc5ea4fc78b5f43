package dev.parley.infra;

import dev.parley.model.config.Setting;
import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.HttpAuthorizerAttributes;
import software.amazon.awscdk.services.apigatewayv2.HttpAuthorizerType;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Parley on AWS: API Gateway WebSocket and HTTP APIs in front of Java Lambdas, DynamoDB tables from
 * {@link Tables#ALL}, the messages stream driving fan-out, a Cognito user pool issuing the tokens,
 * and alarms on what an operator must hear about.
 *
 * <p>The stack is environment-agnostic (account and Region come from the deploying credentials), so
 * {@code cdk synth} needs neither credentials nor network.
 */
public final class ParleyStack extends Stack {
    /** The WebSocket stage; part of the wss:// URL and of the @connections endpoint. */
    public static final String STAGE_NAME = "prod";

    /**
     * Steady request rate and burst per route on each stage. API Gateway's account quota is 10,000
     * requests per second with a burst of 5,000, per Region, shared by every REST, HTTP and
     * WebSocket API of the account; these mirror it at a tenth (same 2:1 ratio), so a runaway
     * client of one Parley stage cannot starve the other APIs in the account. Raise both together
     * with the account quota.
     */
    static final int THROTTLE_RATE_LIMIT = 1_000;
    static final int THROTTLE_BURST_LIMIT = 500;

    /** The WebSocket query string parameter carrying the Cognito token on $connect. */
    static final String TOKEN_QUERY_PARAMETER = "token";

    /** Routes whose handlers answer the sender with a frame, so each has a route response. */
    static final Map<String, ParleyHandler> MESSAGE_ROUTES = messageRoutes();
    /** The functions that post to connections (execute-api:ManageConnections). */
    static final List<ParleyHandler> POSTERS = List.of(ParleyHandler.FANOUT, ParleyHandler.READ, ParleyHandler.CONNECT,
            ParleyHandler.PRESENCE_CHECK, ParleyHandler.GROUPS);
    /** The HTTP API of PROTOCOL.md: route (method and path) to handler. */
    static final Map<String, ParleyHandler> HTTP_ROUTES = Map.of(
            "POST /groups", ParleyHandler.GROUPS,
            "POST /groups/{id}/members", ParleyHandler.GROUPS,
            "DELETE /groups/{id}/members/{userId}", ParleyHandler.GROUPS,
            "GET /conversations", ParleyHandler.CONVERSATIONS,
            "GET /conversations/{id}/messages", ParleyHandler.CONVERSATIONS,
            "GET /presence", ParleyHandler.PRESENCE,
            "PUT /devices/{deviceId}", ParleyHandler.DEVICES,
            "DELETE /devices/{deviceId}", ParleyHandler.DEVICES);

    private final boolean retainData;
    private final RemovalPolicy dataRemovalPolicy;
    private final Map<TableDefinition, Table> tables = new LinkedHashMap<>();
    private final Map<ParleyHandler, JavaFunction> functions = new EnumMap<>(ParleyHandler.class);
    private final Topic alarmTopic;
    private final HttpApi httpApi;
    private final IHttpRouteAuthorizer httpRouteAuthorizer;
    private final Map<ParleyHandler, HttpLambdaIntegration> integrations = new EnumMap<>(ParleyHandler.class);
    private final String apnsApplication;
    private final String fcmApplication;

    /**
     * @param functionsJar the shaded jar of the handlers; a handler that is not
     *                     {@linkplain ParleyHandler#required() required} and not in the jar is left
     *                     out, route and all, with a synth warning
     * @param retainData   keep tables, the user pool and logs when the stack is deleted; false
     *                     only for throwaway deployments
     */
    public ParleyStack(Construct scope, String id, StackProps props, FunctionsJar functionsJar, boolean retainData) {
        super(scope, id, props);
        this.retainData = retainData;
        this.dataRemovalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

        for (TableDefinition definition : Tables.ALL) {
            tables.put(definition, newTable(definition));
        }

        UserPool userPool = userPool();
        UserPoolClient appClient = userPool.addClient("AppClient", UserPoolClientOptions.builder()
                // USER_PASSWORD_AUTH lets `aws cognito-idp initiate-auth` fetch a token; SRP is
                // what the Amplify and Cognito SDKs use, so the password never leaves the client.
                .authFlows(AuthFlow.builder().userPassword(true).userSrp(true).build())
                // A public client (CLI, mobile, browser): a secret could not be kept secret there.
                .generateSecret(false)
                .preventUserExistenceErrors(true)
                .build());
        String issuer = "https://cognito-idp." + getRegion() + "." + getUrlSuffix() + "/" + userPool.getUserPoolId();

        alarmTopic = alarmTopic();
        CfnAccount apiGatewayAccount = apiGatewayAccountLogging();

        WebSocketApi webSocketApi = WebSocketApi.Builder.create(this, "WebSocketApi")
                .description("Parley messaging: clients connect with ?" + TOKEN_QUERY_PARAMETER + "=<Cognito JWT>")
                .routeSelectionExpression("$request.body.action")
                .build();
        WebSocketStage stage = WebSocketStage.Builder.create(this, "WebSocketStage")
                .webSocketApi(webSocketApi)
                .stageName(STAGE_NAME)
                .autoDeploy(true)
                .throttle(throttle())
                .accessLogSettings(accessLogs("WebSocketAccessLogs", WEBSOCKET_ACCESS_LOG_FORMAT))
                .build();
        // WebSocket access logging needs the account's API Gateway CloudWatch role to exist first.
        stage.getNode().addDependency(apiGatewayAccount);

        Queue presenceDeadLetters = Queue.Builder.create(this, "PresenceDeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(4))
                .build();
        NagSuppressions.addResourceSuppressions(presenceDeadLetters, List.of(suppression("AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of the presence queue; its depth is alarmed.")));
        // Offline checks wait out the reconnect grace period as SQS delivery delays (DelaySeconds).
        Queue presenceQueue = Queue.Builder.create(this, "PresenceQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(60))
                .deadLetterQueue(DeadLetterQueue.builder().queue(presenceDeadLetters).maxReceiveCount(3).build())
                .build();

        // Offline push notifications go through SNS platform applications the team creates with its
        // APNs and FCM credentials; without them (context absent) no notification is sent.
        apnsApplication = contextString("apnsPlatformApplicationArn");
        fcmApplication = contextString("fcmPlatformApplicationArn");
        FunctionEnvironment environment = new FunctionEnvironment()
                .set(Setting.APNS_PLATFORM_APPLICATION_ARN, apnsApplication)
                .set(Setting.FCM_PLATFORM_APPLICATION_ARN, fcmApplication)
                .set(Setting.PRESENCE_QUEUE_URL, presenceQueue.getQueueUrl())
                .set(Setting.JWKS_URL, issuer + "/.well-known/jwks.json")
                .set(Setting.JWT_ISSUER, issuer)
                .set(Setting.JWT_AUDIENCE, appClient.getUserPoolClientId())
                .set(Setting.CONNECTIONS_ENDPOINT, stage.getCallbackUrl());
        tables.forEach((definition, table) -> environment.set(Setting.valueOf(definition.envVar()), table.getTableName()));
        JavaFunctionFactory functionFactory = new JavaFunctionFactory(this, Code.fromAsset(functionsJar.path().toString()),
                environment.toMap(), dataRemovalPolicy);
        for (ParleyHandler handler : ParleyHandler.values()) {
            if (!functionsJar.handlers().contains(handler)) {
                Annotations.of(this).addWarningV2("parley:handlerNotInJar", handler.handler()
                        + " is not in " + functionsJar.path() + ": its function and route are not deployed");
                continue;
            }
            JavaFunction function = functionFactory.create(handler);
            functions.put(handler, function);
            functionAlarms(function);
        }
        grantTableAccess();

        webSocketRoutes(webSocketApi);
        // The principals allowed to post to connections (least privilege): fan-out (messages), read
        // (receipts), connect and the presence check (presence), groups (membership changes);
        // every other handler replies through its route response.
        for (ParleyHandler handler : POSTERS) {
            if (!isDeployed(handler)) {
                continue;
            }
            JavaFunction poster = function(handler);
            stage.grantManagementApiAccess(poster.function());
            NagSuppressions.addResourceSuppressions(poster.function(), List.of(suppressionFor("AwsSolutions-IAM5",
                    "Connection ids are created at run time, so @connections/* is the narrowest resource: it is "
                            + "limited to this API's " + STAGE_NAME + " stage and to the ManageConnections action.",
                    "Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<"
                            + logicalId(webSocketApi) + ">/" + STAGE_NAME + "/*/@connections/*")), true);
        }
        streamFanout();
        presence(presenceQueue, presenceDeadLetters);

        httpApi = httpApi();
        HttpAuthorizer jwtAuthorizer = HttpAuthorizer.Builder.create(this, "HttpJwtAuthorizer")
                .httpApi(httpApi)
                .authorizerName("CognitoJwt")
                .type(HttpAuthorizerType.JWT)
                .identitySource(List.of("$request.header.Authorization"))
                .jwtIssuer(issuer)
                .jwtAudience(List.of(appClient.getUserPoolClientId()))
                .build();
        // HttpJwtAuthorizer only materializes when a route binds it, and there are no HTTP routes
        // yet; declaring the authorizer itself keeps it in the template and lets routes reuse it.
        httpRouteAuthorizer = HttpAuthorizer.fromHttpAuthorizerAttributes(this, "HttpJwtRouteAuthorizer",
                HttpAuthorizerAttributes.builder()
                        .authorizerId(jwtAuthorizer.getAuthorizerId())
                        .authorizerType("JWT")
                        .build());
        httpRoutes();
        HttpStage httpStage = httpApi.addStage("HttpDefaultStage", HttpStageOptions.builder()
                .stageName("$default")
                .autoDeploy(true)
                .throttle(throttle())
                .accessLogSettings(accessLogs("HttpAccessLogs", HTTP_ACCESS_LOG_FORMAT))
                .build());

        output("WebSocketUrl", stage.getUrl(), "Clients connect to this URL with ?" + TOKEN_QUERY_PARAMETER + "=<JWT>");
        output("HttpUrl", httpStage.getUrl(), "Base URL of the HTTP API (Authorization: Bearer <JWT>)");
        output("UserPoolId", userPool.getUserPoolId(), "Cognito user pool issuing Parley tokens");
        output("UserPoolClientId", appClient.getUserPoolClientId(), "App client for initiate-auth");
        output("ConnectionsEndpoint", stage.getCallbackUrl(), "@connections management endpoint used by fan-out");
        output("Region", getRegion(), "Region of the deployment (for the aws CLI)");

        suppressStackWideFindings();
    }

    /** Whether the handler's class was in the jar, so its function is part of the stack. */
    public boolean isDeployed(ParleyHandler handler) {
        return functions.containsKey(handler);
    }

    /** The deployed function of a handler (for grants, routes and metrics). */
    public JavaFunction function(ParleyHandler handler) {
        return Objects.requireNonNull(functions.get(handler), handler.name());
    }

    /**
     * Adds an HTTP route served by a function's live alias, behind the Cognito JWT authorizer. The
     * HTTP handlers of PROTOCOL.md come with later issues; each one is a {@link ParleyHandler} plus
     * one call here.
     */
    public List<HttpRoute> addHttpRoute(HttpMethod method, String path, JavaFunction target) {
        return httpApi.addRoutes(AddRoutesOptions.builder()
                .path(path)
                .methods(List.of(method))
                .integration(integrations.computeIfAbsent(target.handler(),
                        handler -> new HttpLambdaIntegration(handler.id() + "HttpIntegration", target.live())))
                .authorizer(httpRouteAuthorizer)
                .build());
    }

    private Table newTable(TableDefinition definition) {
        Table.Builder builder = Table.Builder.create(this, constructId(definition.envVar()))
                .partitionKey(attribute(definition.partitionKey()))
                // On demand: no capacity to plan, nothing billed for an idle deployment.
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .encryption(TableEncryption.AWS_MANAGED)
                // Messages and memberships are users' data: deleting the stack must not delete
                // them, and deletion protection also guards against a stray delete-table.
                .removalPolicy(dataRemovalPolicy)
                .deletionProtection(retainData);
        definition.sortKey().ifPresent(key -> builder.sortKey(attribute(key)));
        definition.ttlAttribute().ifPresent(builder::timeToLiveAttribute);
        if (definition.stream()) {
            builder.stream(StreamViewType.NEW_IMAGE);
        }
        Table table = builder.build();
        for (TableDefinition.Index index : definition.indexes()) {
            GlobalSecondaryIndexProps.Builder gsi = GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(attribute(index.partitionKey()))
                    .projectionType(ProjectionType.ALL);
            index.sortKey().ifPresent(key -> gsi.sortKey(attribute(key)));
            table.addGlobalSecondaryIndex(gsi.build());
        }
        return table;
    }

    private static Attribute attribute(TableDefinition.Key key) {
        return Attribute.builder()
                .name(key.name())
                .type(switch (key.type()) {
                    case STRING -> AttributeType.STRING;
                    case NUMBER -> AttributeType.NUMBER;
                })
                .build();
    }

    /** {@code CONNECTIONS_TABLE} becomes {@code ConnectionsTable}. */
    static String constructId(String envVar) {
        StringBuilder id = new StringBuilder();
        for (String word : envVar.toLowerCase(Locale.ROOT).split("_")) {
            id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return id.toString();
    }

    /** The deployed table of a definition from {@link Tables#ALL}. */
    public Table table(TableDefinition definition) {
        return Objects.requireNonNull(tables.get(definition), definition.envVar());
    }

    private UserPool userPool() {
        UserPool userPool = UserPool.Builder.create(this, "UserPool")
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
                .removalPolicy(dataRemovalPolicy)
                .deletionProtection(retainData)
                .build();
        NagSuppressions.addResourceSuppressions(userPool, List.of(
                suppression("AwsSolutions-COG2", "MFA is off so that headless clients and the documented CLI "
                        + "walkthrough can sign in with USER_PASSWORD_AUTH. Parley only verifies the tokens "
                        + "Cognito issues, so operators who need MFA can require it on the pool unchanged."),
                suppression("AwsSolutions-COG3", "Advanced security (threat protection) needs the Plus feature "
                        + "plan, billed per monthly active user; self sign-up is off, so accounts are only "
                        + "created by operators.")));
        return userPool;
    }

    private Topic alarmTopic() {
        Topic topic = Topic.Builder.create(this, "AlarmTopic")
                .displayName("Parley alarms")
                .enforceSsl(true)
                .build();
        Object email = getNode().tryGetContext("alarmEmail");
        if (email != null && !email.toString().isBlank()) {
            topic.addSubscription(new EmailSubscription(email.toString()));
        }
        NagSuppressions.addResourceSuppressions(topic, List.of(suppression("AwsSolutions-SNS2",
                "Alarm notifications carry metric names and thresholds, no user data. CloudWatch cannot "
                        + "publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed "
                        + "key would add a fixed monthly charge to an otherwise idle deployment.")));
        return topic;
    }

    /**
     * API Gateway writes WebSocket access logs through the account-wide CloudWatch role
     * (AWS::ApiGateway::Account), which a fresh account does not have. The role is retained on
     * stack deletion because the account setting outlives the stack and other APIs may use it.
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
        NagSuppressions.addResourceSuppressions(role, List.of(suppressionFor("AwsSolutions-IAM4",
                "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's "
                        + "account logging role; it only creates and writes log groups and streams.",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")));
        return account;
    }

    private static ThrottleSettings throttle() {
        return ThrottleSettings.builder()
                .rateLimit(THROTTLE_RATE_LIMIT)
                .burstLimit(THROTTLE_BURST_LIMIT)
                .build();
    }

    /**
     * JSON access logs (one object per line, queryable with Logs Insights). The token query
     * parameter is not among the logged fields.
     */
    private static final String WEBSOCKET_ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\","
            + "\"ip\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\","
            + "\"eventType\":\"$context.eventType\",\"routeKey\":\"$context.routeKey\","
            + "\"status\":\"$context.status\",\"connectionId\":\"$context.connectionId\","
            + "\"userId\":\"$context.authorizer.principalId\",\"error\":\"$context.error.message\","
            + "\"authorizerError\":\"$context.authorizer.error\","
            + "\"integrationError\":\"$context.integrationErrorMessage\"}";

    private static final String HTTP_ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\","
            + "\"ip\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\","
            + "\"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\","
            + "\"status\":\"$context.status\",\"protocol\":\"$context.protocol\","
            + "\"responseLength\":\"$context.responseLength\",\"authorizerError\":\"$context.authorizer.error\","
            + "\"integrationError\":\"$context.integrationErrorMessage\"}";

    private IAccessLogSettings accessLogs(String id, String format) {
        LogGroup logs = LogGroup.Builder.create(this, id)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(dataRemovalPolicy)
                .build();
        LogGroupLogDestination destination = new LogGroupLogDestination(logs);
        AccessLogFormat accessLogFormat = AccessLogFormat.custom(format);
        return new IAccessLogSettings() {
            @Override
            public LogGroupLogDestination getDestination() {
                return destination;
            }

            @Override
            public AccessLogFormat getFormat() {
                return accessLogFormat;
            }
        };
    }

    /** Least privilege per function: each gets exactly the tables its handler touches. */
    private void grantTableAccess() {
        Table connections = table(Tables.Connections.DEFINITION);
        Table conversations = table(Tables.Conversations.DEFINITION);
        Table messages = table(Tables.Messages.DEFINITION);
        Table idempotency = table(Tables.Idempotency.DEFINITION);

        Table presence = table(Tables.Presence.DEFINITION);
        // Per-user buckets: sends (send), fetches (sync, history, message pages).
        Table rateLimits = table(Tables.RateLimits.DEFINITION);
        for (ParleyHandler handler : List.of(ParleyHandler.SEND, ParleyHandler.SYNC, ParleyHandler.HISTORY,
                ParleyHandler.CONVERSATIONS)) {
            if (isDeployed(handler)) {
                rateLimits.grantReadWriteData(function(handler).function());
            }
        }
        for (ParleyHandler handler : List.of(ParleyHandler.CONNECT, ParleyHandler.DISCONNECT, ParleyHandler.HEARTBEAT)) {
            connections.grantReadWriteData(function(handler).function());
        }
        // Connecting publishes "online" to the user's direct-conversation peers (byMember index).
        presence.grantReadWriteData(function(ParleyHandler.CONNECT).function());
        conversations.grantReadData(function(ParleyHandler.CONNECT).function());
        suppressIndexWildcard(function(ParleyHandler.CONNECT), conversations);
        if (isDeployed(ParleyHandler.PRESENCE_CHECK)) {
            JavaFunction check = function(ParleyHandler.PRESENCE_CHECK);
            connections.grantReadWriteData(check.function());
            presence.grantReadWriteData(check.function());
            conversations.grantReadData(check.function());
            suppressIndexWildcard(check, conversations);
        }
        if (isDeployed(ParleyHandler.PRESENCE)) {
            connections.grantReadData(function(ParleyHandler.PRESENCE).function());
            presence.grantReadData(function(ParleyHandler.PRESENCE).function());
        }
        Table devices = table(Tables.Devices.DEFINITION);
        if (isDeployed(ParleyHandler.DEVICES)) {
            devices.grantReadWriteData(function(ParleyHandler.DEVICES).function());
        }
        // Fan-out notifies offline devices: reads them (and removes rejected tokens), counts unread
        // for the badge, and publishes through SNS platform endpoints.
        JavaFunction notifier = function(ParleyHandler.FANOUT);
        devices.grantReadWriteData(notifier.function());
        messages.grantReadData(notifier.function());
        List<String> applications = java.util.stream.Stream.of(apnsApplication, fcmApplication)
                .filter(arn -> !arn.isEmpty()).toList();
        if (!applications.isEmpty()) {
            List<String> resources = new java.util.ArrayList<>(applications);
            applications.forEach(arn -> resources.add(arn.replace(":app/", ":endpoint/") + "/*"));
            notifier.function().addToRolePolicy(software.amazon.awscdk.services.iam.PolicyStatement.Builder.create()
                    .actions(List.of("sns:CreatePlatformEndpoint", "sns:Publish", "sns:DeleteEndpoint"))
                    .resources(resources)
                    .build());
        }
        if (isDeployed(ParleyHandler.GROUPS)) {
            JavaFunction groups = function(ParleyHandler.GROUPS);
            conversations.grantReadWriteData(groups.function());
            connections.grantReadWriteData(groups.function());
            suppressIndexWildcard(groups, conversations);
        }
        if (isDeployed(ParleyHandler.CONVERSATIONS)) {
            JavaFunction list = function(ParleyHandler.CONVERSATIONS);
            conversations.grantReadData(list.function());
            // Reading a page may declare a long-dead hole a gap (a conditional write).
            messages.grantReadWriteData(list.function());
            suppressIndexWildcard(list, conversations);
        }

        JavaFunction send = function(ParleyHandler.SEND);
        conversations.grantReadWriteData(send.function());
        messages.grantReadWriteData(send.function());
        idempotency.grantReadWriteData(send.function());
        connections.grantReadData(send.function());

        suppressIndexWildcard(send, conversations);

        for (ParleyHandler handler : List.of(ParleyHandler.SYNC, ParleyHandler.HISTORY, ParleyHandler.ACK, ParleyHandler.READ)) {
            if (!isDeployed(handler)) {
                continue;
            }
            conversations.grantReadWriteData(function(handler).function());
            messages.grantReadWriteData(function(handler).function());
            if (handler == ParleyHandler.READ) {
                // Read receipts are posted to connections; a 410 removes the gone connection.
                connections.grantReadWriteData(function(handler).function());
            } else {
                connections.grantReadData(function(handler).function());
            }
            suppressIndexWildcard(function(handler), conversations);
        }

        JavaFunction fanout = function(ParleyHandler.FANOUT);
        // Fan-out deletes the connections API Gateway reports gone (410).
        connections.grantReadWriteData(fanout.function());
        conversations.grantReadData(fanout.function());
        suppressIndexWildcard(fanout, conversations);
        // The messages stream read is granted by the event source mapping (streamFanout).
    }

    /** A table grant names {@code <table-arn>/index/*}: the handler queries the byMember index. */
    private void suppressIndexWildcard(JavaFunction function, Table table) {
        NagSuppressions.addResourceSuppressions(function.function(), List.of(suppressionFor("AwsSolutions-IAM5",
                "Table grants include the table's own secondary indexes (<table-arn>/index/*) so the handler "
                        + "can Query the byMember index; the wildcard stays within this one table.",
                "Resource::<" + logicalId(table) + ".Arn>/index/*")), true);
    }

    private String logicalId(Construct construct) {
        return resolve(getLogicalId((CfnElement) construct.getNode().getDefaultChild())).toString();
    }

    private void webSocketRoutes(WebSocketApi api) {
        WebSocketLambdaAuthorizer authorizer = new WebSocketLambdaAuthorizer("TokenAuthorizer",
                function(ParleyHandler.CONNECT_AUTHORIZER).live(),
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
        api.addRoute("$connect", WebSocketRouteOptions.builder()
                .integration(integration(ParleyHandler.CONNECT))
                .authorizer(authorizer)
                .build());
        api.addRoute("$disconnect", WebSocketRouteOptions.builder()
                .integration(integration(ParleyHandler.DISCONNECT))
                .build());
        MESSAGE_ROUTES.forEach((routeKey, handler) -> {
            if (isDeployed(handler)) {
                api.addRoute(routeKey, WebSocketRouteOptions.builder()
                        .integration(integration(handler))
                        // The handler's return value is the reply frame sent back to the caller.
                        .returnResponse(true)
                        .build());
            }
        });
        NagSuppressions.addResourceSuppressions(api, List.of(suppression("AwsSolutions-APIG4",
                "API Gateway authorizes a WebSocket connection once, on $connect (custom authorizer "
                        + "above); later routes run on that authenticated connection and receive the "
                        + "authorizer's principal. They cannot have an authorizer of their own.")), true);
    }

    private WebSocketLambdaIntegration integration(ParleyHandler handler) {
        return new WebSocketLambdaIntegration(handler.id() + "Integration", function(handler).live());
    }

    private static Map<String, ParleyHandler> messageRoutes() {
        Map<String, ParleyHandler> routes = new LinkedHashMap<>();
        routes.put("$default", ParleyHandler.DEFAULT_ROUTE);
        routes.put("send", ParleyHandler.SEND);
        routes.put("heartbeat", ParleyHandler.HEARTBEAT);
        routes.put("sync", ParleyHandler.SYNC);
        routes.put("history", ParleyHandler.HISTORY);
        routes.put("ack", ParleyHandler.ACK);
        routes.put("read", ParleyHandler.READ);
        return Collections.unmodifiableMap(routes);
    }

    /**
     * The messages stream drives fan-out. A poison record must neither block its shard nor vanish:
     * the handler reports the failed records, a failing batch is halved until the bad record is
     * alone, retries are bounded, and what is finally given up is described in the dead-letter
     * queue (shard and sequence numbers; clients recover the messages through sync).
     */
    private void streamFanout() {
        Queue deadLetters = Queue.Builder.create(this, "FanoutDeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetters, List.of(suppression("AwsSolutions-SQS3",
                "This queue is itself the dead-letter destination of the fan-out stream mapping; it has "
                        + "no consumer to fail, and its depth is alarmed.")));

        JavaFunction fanout = function(ParleyHandler.FANOUT);
        fanout.live().addEventSource(DynamoEventSource.Builder.create(table(Tables.Messages.DEFINITION))
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(100)
                // Up to 10 concurrent batches per shard; Lambda keeps records of one partition key
                // (one conversation) in order, which is all the ordering fan-out needs.
                .parallelizationFactor(10)
                .bisectBatchOnError(true)
                .retryAttempts(5)
                // A push older than this is worth less than the sync the client does on its own.
                .maxRecordAge(Duration.hours(1))
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(deadLetters))
                .build());
        NagSuppressions.addResourceSuppressions(fanout.function(), List.of(suppressionFor("AwsSolutions-IAM5",
                "dynamodb:ListStreams supports no resource-level permission (it can only be granted on *); "
                        + "reading the stream itself is limited to the messages table's stream ARN.",
                "Resource::*")), true);

        alarm("FanoutDeadLetters", deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                "Fan-out gave up on stream records: some recipients missed live pushes (they recover on sync).");
        alarm("FanoutIteratorAge", fanout.function().metric("IteratorAge",
                        MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()),
                60_000, ComparisonOperator.GREATER_THAN_THRESHOLD, 5,
                "Fan-out lags the messages stream by more than a minute: live delivery is delayed.");
    }

    /**
     * Presence: the disconnect function schedules an offline check on the queue (delivery delayed
     * by the grace period); the presence-check function consumes it, reporting failed messages.
     */
    private void presence(Queue queue, Queue deadLetters) {
        queue.grantSendMessages(function(ParleyHandler.DISCONNECT).function());
        if (isDeployed(ParleyHandler.PRESENCE_CHECK)) {
            function(ParleyHandler.PRESENCE_CHECK).live().addEventSource(SqsEventSource.Builder.create(queue)
                    .batchSize(10)
                    .reportBatchItemFailures(true)
                    .build());
        }
        alarm("PresenceDeadLetters", deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                "Offline checks failed repeatedly: some users may be shown online after they left.");
    }

    /** The HTTP API routes of PROTOCOL.md, each to its handler's live alias, behind the JWT authorizer. */
    private void httpRoutes() {
        HTTP_ROUTES.forEach((route, handler) -> {
            if (isDeployed(handler)) {
                String[] parts = route.split(" ", 2);
                addHttpRoute(HttpMethod.valueOf(parts[0]), parts[1], function(handler));
            }
        });
    }

    private String contextString(String key) {
        Object value = getNode().tryGetContext(key);
        return value == null ? "" : value.toString();
    }

    private void functionAlarms(JavaFunction function) {
        MetricOptions fiveMinuteSum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
        String id = function.handler().id();
        // The authorizer refuses a bad token by failing the invocation (API Gateway then answers
        // 401), so its errors count rejected clients too; a burst means a broken JWKS/issuer
        // setting or someone hammering with bad tokens.
        double errorThreshold = function.handler() == ParleyHandler.CONNECT_AUTHORIZER ? 25 : 1;
        alarm(id + "Errors", function.function().metricErrors(fiveMinuteSum), errorThreshold,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                id + " function invocations failed.");
        alarm(id + "Throttles", function.function().metricThrottles(fiveMinuteSum), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                id + " function invocations were throttled: account concurrency is exhausted.");
    }

    private void alarm(String id, IMetric metric, double threshold, ComparisonOperator comparison,
                       int evaluationPeriods, String description) {
        Alarm alarm = Alarm.Builder.create(this, id + "Alarm")
                .metric(metric)
                .alarmDescription(description)
                .threshold(threshold)
                .comparisonOperator(comparison)
                .evaluationPeriods(evaluationPeriods)
                // No datapoints means no invocations, no messages: nothing is wrong.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(alarmTopic));
    }

    private HttpApi httpApi() {
        Object origins = getNode().tryGetContext("corsAllowOrigins");
        return HttpApi.Builder.create(this, "HttpApi")
                .description("Parley HTTP API (Authorization: Bearer <Cognito JWT>)")
                // The stage is declared below with access logs and throttling.
                .createDefaultStage(false)
                .corsPreflight(CorsPreflightOptions.builder()
                        // Tokens travel in the Authorization header, not cookies, so any origin may
                        // call; set -c corsAllowOrigins=https://app.example.com,... to narrow it.
                        .allowOrigins(origins == null ? List.of("*") : List.of(origins.toString().split(",")))
                        .allowHeaders(List.of("authorization", "content-type"))
                        .allowMethods(List.of(CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT,
                                CorsHttpMethod.DELETE))
                        .maxAge(Duration.days(1))
                        .build())
                .build();
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    /**
     * Findings that apply to every function alike, suppressed once here with their reasons rather
     * than per function.
     */
    private void suppressStackWideFindings() {
        List<NagPackSuppression> suppressions = new ArrayList<>();
        suppressions.add(suppressionFor("AwsSolutions-IAM4",
                "AWSLambdaBasicExecutionRole is the AWS-maintained policy for writing a function's own "
                        + "logs; it grants nothing beyond CloudWatch Logs.",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
        for (JavaFunction function : functions.values()) {
            NagSuppressions.addResourceSuppressions(function.function(), suppressions, true);
        }
    }

    static NagPackSuppression suppression(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }

    static NagPackSuppression suppressionFor(String id, String reason, String... appliesTo) {
        return NagPackSuppression.builder().id(id).reason(reason).appliesTo(List.of((Object[]) appliesTo)).build();
    }
}
