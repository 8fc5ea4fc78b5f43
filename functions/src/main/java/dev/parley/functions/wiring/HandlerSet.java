package dev.parley.functions.wiring;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.functions.handlers.AckHandler;
import dev.parley.functions.handlers.ConnectAuthorizerHandler;
import dev.parley.functions.handlers.ConnectHandler;
import dev.parley.functions.handlers.DefaultRouteHandler;
import dev.parley.functions.handlers.DisconnectHandler;
import dev.parley.functions.handlers.FanoutHandler;
import dev.parley.functions.handlers.HeartbeatHandler;
import dev.parley.functions.handlers.HistoryHandler;
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

/**
 * Every handler of a deployment, by the key it is invoked under: a WebSocket route key, or
 * {@link #AUTHORIZER} and {@link #FANOUT}. This is how the local runtime obtains the very handler
 * classes that Lambda runs. Its signature uses only JDK, AWS SDK and aws-lambda-java types, so a
 * runtime can call it on classes loaded afresh (code reload) without sharing Parley's classes.
 */
public final class HandlerSet {
    public static final String AUTHORIZER = "$authorizer";
    public static final String FANOUT = "$fanout";

    private HandlerSet() {}

    public static Map<String, RequestHandler<?, ?>> create(Map<String, String> environment, DynamoDbClient dynamo,
                                                           Supplier<ApiGatewayManagementApiClient> management,
                                                           Clock clock) {
        Wiring wiring = new Wiring(ParleyConfig.fromEnvironment(environment), dynamo, management, clock);
        Map<String, RequestHandler<?, ?>> handlers = new LinkedHashMap<>();
        handlers.put(AUTHORIZER, new ConnectAuthorizerHandler(wiring.tokenVerifier()));
        handlers.put("$connect", new ConnectHandler(wiring.connectionService()));
        handlers.put("$disconnect", new DisconnectHandler(wiring.connectionService()));
        handlers.put("$default", new DefaultRouteHandler());
        handlers.put("send", new SendHandler(wiring.sendService()));
        handlers.put("heartbeat", new HeartbeatHandler(wiring.connectionService()));
        handlers.put("sync", new SyncHandler(wiring.syncService()));
        handlers.put("history", new HistoryHandler(wiring.syncService()));
        handlers.put("ack", new AckHandler(wiring.ackService()));
        handlers.put("read", new ReadHandler(wiring.receiptService()));
        handlers.put(FANOUT, new FanoutHandler(wiring.fanoutService()));
        return handlers;
    }
}
