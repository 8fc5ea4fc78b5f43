package dev.parley.functions.wiring;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.functions.handlers.AckHandler;
import dev.parley.functions.handlers.ConnectAuthorizerHandler;
import dev.parley.functions.handlers.ConnectHandler;
import dev.parley.functions.handlers.ConversationsHandler;
import dev.parley.functions.handlers.DefaultRouteHandler;
import dev.parley.functions.handlers.DevicesHandler;
import dev.parley.functions.handlers.DisconnectHandler;
import dev.parley.functions.handlers.FanoutHandler;
import dev.parley.functions.handlers.GroupsHandler;
import dev.parley.functions.handlers.HeartbeatHandler;
import dev.parley.functions.handlers.HistoryHandler;
import dev.parley.functions.handlers.PresenceCheckHandler;
import dev.parley.functions.handlers.PresenceHandler;
import dev.parley.functions.handlers.ReadHandler;
import dev.parley.functions.handlers.SendHandler;
import dev.parley.functions.handlers.SyncHandler;
import dev.parley.model.config.ParleyConfig;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Every handler of a deployment, by the key it is invoked under: a WebSocket route key, or
 * {@link #AUTHORIZER} and {@link #FANOUT}. This is how the local runtime obtains the very handler
 * classes that Lambda runs. Its signature uses only JDK, AWS SDK and aws-lambda-java types, so a
 * runtime can call it on classes loaded afresh (code reload) without sharing Parley's classes.
 */
public final class HandlerSet {
    public static final String AUTHORIZER = "$authorizer";
    public static final String FANOUT = "$fanout";
    public static final String PRESENCE_CHECK = "$presence-check";
    /** HTTP API handlers are keyed by this prefix and their route key, e.g. {@code http:POST /groups}. */
    public static final String HTTP = "http:";

    private HandlerSet() {}

    public static Map<String, RequestHandler<?, ?>> create(Map<String, String> environment, DynamoDbClient dynamo,
                                                           Supplier<ApiGatewayManagementApiClient> management,
                                                           Supplier<SqsClient> sqs, Clock clock) {
        Wiring wiring = new Wiring(ParleyConfig.fromEnvironment(environment), dynamo, management, sqs, clock);
        Map<String, RequestHandler<?, ?>> handlers = new LinkedHashMap<>();
        handlers.put(AUTHORIZER, new ConnectAuthorizerHandler(wiring.tokenVerifier()));
        handlers.put("$connect", new ConnectHandler(wiring.connectionService()));
        handlers.put("$disconnect", new DisconnectHandler(wiring.connectionService()));
        handlers.put("$default", new DefaultRouteHandler());
        handlers.put("send", new SendHandler(wiring.sendService()));
        handlers.put("heartbeat", new HeartbeatHandler(wiring.connectionService()));
        handlers.put("sync", new SyncHandler(wiring.syncService()));
        handlers.put("history", new HistoryHandler(wiring.syncService()));
        handlers.put("ack", new AckHandler(wiring.receiptService()));
        handlers.put("read", new ReadHandler(wiring.receiptService()));
        handlers.put(FANOUT, new FanoutHandler(wiring.fanoutService()));
        handlers.put(PRESENCE_CHECK, new PresenceCheckHandler(wiring.presenceService()));
        GroupsHandler groups = new GroupsHandler(wiring.groupService());
        GroupsHandler.ROUTES.forEach(route -> handlers.put(HTTP + route, groups));
        ConversationsHandler conversations = new ConversationsHandler(wiring.syncService());
        ConversationsHandler.ROUTES.forEach(route -> handlers.put(HTTP + route, conversations));
        DevicesHandler devices = new DevicesHandler(wiring.notificationService());
        DevicesHandler.ROUTES.forEach(route -> handlers.put(HTTP + route, devices));
        PresenceHandler presence = new PresenceHandler(wiring.presenceService());
        PresenceHandler.ROUTES.forEach(route -> handlers.put(HTTP + route, presence));
        return handlers;
    }
}
