package dev.parley.infra;

import dev.parley.model.config.Setting;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * Parley on AWS, by concern: DynamoDB tables from {@link Tables#ALL}, Cognito and the authorizers,
 * the WebSocket and HTTP APIs routing to the functions of the {@link Catalogue}, the messages stream
 * driving fan-out, presence, notifications, and alarms on what an operator must hear about. Each
 * concern is a construct of its own; this class is the table of contents.
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

    private final DataTables tables;
    private final Auth auth;
    private final Alarms alarms;
    private final WebSocketEndpoint webSocket;
    private final Presence presence;
    private final Functions functions;
    private final HttpEndpoint http;
    private final Fanout fanout;
    private final FanoutChunks fanoutChunks;
    private final Notifications notifications;
    private final Attachments attachments;

    public ParleyStack(Construct scope, String id, StackProps props, FunctionJars functionJars,
                       DeploymentOptions options) {
        super(scope, id, props);
        boolean retainData = options.retainData();
        tables = new DataTables(this, "Tables", retainData, options.provisionedCapacity());
        auth = new Auth(this, "Auth", retainData);
        alarms = new Alarms(this, "Alarms", options.alarmEmail());
        webSocket = new WebSocketEndpoint(this, "WebSocket", retainData, options.apiGatewayAccountRole());
        presence = new Presence(this, "Presence");
        fanoutChunks = new FanoutChunks(this, "FanoutChunks");
        notifications = new Notifications(this, "Notifications");
        attachments = new Attachments(this, "Attachments", retainData, options.corsAllowOrigins());

        FunctionEnvironment environment = new FunctionEnvironment()
                .set(Setting.APNS_PLATFORM_APPLICATION_ARN, options.apnsApplication())
                .set(Setting.FCM_PLATFORM_APPLICATION_ARN, options.fcmApplication())
                .set(Setting.PRESENCE_QUEUE_URL, presence.queueUrl())
                .set(Setting.FANOUT_QUEUE_URL, fanoutChunks.queueUrl())
                .set(Setting.NOTIFY_QUEUE_URL, notifications.queueUrl())
                .set(Setting.JWKS_URL, auth.jwksUrl())
                .set(Setting.JWT_ISSUER, auth.issuer())
                .set(Setting.JWT_AUDIENCE, auth.appClient().getUserPoolClientId())
                .set(Setting.CONNECTIONS_ENDPOINT, webSocket.callbackUrl())
                .set(Setting.ATTACHMENTS_BUCKET, attachments.bucketName());
        tables.all().forEach((definition, table) -> environment.set(Setting.valueOf(definition.envVar()), table.getTableName()));
        functions = new Functions(this, "Functions", functionJars, environment.toMap(), tables, retainData);

        webSocket.route(functions, auth);
        http = new HttpEndpoint(this, "Http", functions, auth, options.corsAllowOrigins(), retainData);
        fanout = new Fanout(this, "Fanout", functions, tables.table(Tables.Messages.DEFINITION));
        presence.connect(functions);
        fanoutChunks.connect(functions);
        attachments.connect(functions);
        notifications.connect(functions, options.apnsApplication(), options.fcmApplication());

        alarms.functions(functions);
        alarms.fanout(fanout);
        alarms.presence(presence);
        alarms.fanoutChunks(fanoutChunks);
        alarms.notifications(notifications);
        alarms.apis(webSocket, http);
        alarms.tables(tables);

        output("WebSocketUrl", webSocket.stage().getUrl(),
                "Clients connect to this URL with ?" + Auth.TOKEN_QUERY_PARAMETER + "=<JWT>");
        output("HttpUrl", http.stage().getUrl(), "Base URL of the HTTP API (Authorization: Bearer <JWT>)");
        output("UserPoolId", auth.userPool().getUserPoolId(), "Cognito user pool issuing Parley tokens");
        output("UserPoolClientId", auth.appClient().getUserPoolClientId(), "App client for initiate-auth");
        output("ConnectionsEndpoint", webSocket.callbackUrl(), "@connections management endpoint used by fan-out");
        output("Region", getRegion(), "Region of the deployment (for the aws CLI)");
    }

    DataTables tables() {
        return tables;
    }

    Auth auth() {
        return auth;
    }

    Alarms alarms() {
        return alarms;
    }

    WebSocketEndpoint webSocket() {
        return webSocket;
    }

    HttpEndpoint http() {
        return http;
    }

    Functions functions() {
        return functions;
    }

    Fanout fanout() {
        return fanout;
    }

    Notifications notifications() {
        return notifications;
    }

    FanoutChunks fanoutChunks() {
        return fanoutChunks;
    }

    Presence presence() {
        return presence;
    }

    Attachments attachments() {
        return attachments;
    }

    static ThrottleSettings stageThrottle() {
        return ThrottleSettings.builder()
                .rateLimit(THROTTLE_RATE_LIMIT)
                .burstLimit(THROTTLE_BURST_LIMIT)
                .build();
    }

    /**
     * Logical ids as if every resource were declared directly in the stack: {@link Concern}
     * constructs are left out of the path (see {@link StableLogicalIds}).
     */
    @Override
    protected String allocateLogicalId(CfnElement element) {
        List<IConstruct> scopes = element.getNode().getScopes();
        List<String> path = new ArrayList<>();
        for (IConstruct scope : scopes.subList(scopes.indexOf(this) + 1, scopes.size())) {
            if (!(scope instanceof Concern)) {
                path.add(scope.getNode().getId());
            }
        }
        return StableLogicalIds.of(path);
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
