package dev.parley.local;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.dynamodb.local.TableBootstrap;
import dev.parley.local.auth.LocalIssuer;
import dev.parley.local.functions.FunctionHost;
import dev.parley.local.functions.FunctionLoader;
import dev.parley.local.gateway.Admission;
import dev.parley.local.gateway.ConnectionsApi;
import dev.parley.local.gateway.WebSocketGateway;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.local.http.DevApi;
import dev.parley.local.http.HttpApi;
import dev.parley.local.http.LocalQueue;
import dev.parley.local.http.NotFound;
import dev.parley.local.http.NotificationSink;
import dev.parley.local.http.WebPage;
import dev.parley.local.streams.EventSourceMapping;
import dev.parley.local.streams.StreamPoller;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole backend on one machine, in this JVM: DynamoDB Local, the WebSocket gateway with its
 * {@code @connections} API, the stream poller that drives fan-out, and the local token issuer.
 * The functions are the handler classes of functions/, given local endpoints and configuration.
 */
public final class LocalRuntime implements AutoCloseable {

    /**
     * @param port                0 picks a free port
     * @param dataDirectory       file-backed tables (and issuer key, stream checkpoints) when present
     * @param dynamoInterceptors  interceptors on the functions' DynamoDB client (fault injection, metering)
     */
    public record Options(int port, Optional<Path> dataDirectory, List<ExecutionInterceptor> dynamoInterceptors,
                          EventSourceMapping eventSourceMapping, Map<Setting, String> settings, int maxConnections,
                          int connectRate, Optional<ExternalDynamoDb> externalDynamoDb) {
        public static Options defaults() {
            return new Options(8080, Optional.empty(), List.of(), EventSourceMapping.DEFAULT, Map.of(),
                    Admission.DEFAULT_MAX_CONNECTIONS, Admission.DEFAULT_CONNECT_RATE, Optional.empty());
        }

        /**
         * Tables and their stream on an external DynamoDB (LocalStack, ...) instead of the embedded
         * DynamoDB Local: none is started; the functions' client (with the interceptors) and the
         * stream poller use this endpoint, region and credentials. Tables are created when missing,
         * named by the {@code *_TABLE} settings. A data directory still keeps the issuer key and the
         * stream checkpoints.
         */
        public Options withExternalDynamoDb(URI endpoint, Region region, AwsCredentialsProvider credentials) {
            return new Options(port, dataDirectory, dynamoInterceptors, eventSourceMapping, settings, maxConnections,
                    connectRate, Optional.of(new ExternalDynamoDb(endpoint, region, credentials)));
        }

        /** Admission limits of the gateway: open connections, and new connections per second. */
        public Options withAdmission(int maxConnections, int connectRate) {
            return new Options(port, dataDirectory, dynamoInterceptors, eventSourceMapping, settings, maxConnections, connectRate, externalDynamoDb);
        }

        public Options withPort(int port) {
            return new Options(port, dataDirectory, dynamoInterceptors, eventSourceMapping, settings, maxConnections, connectRate, externalDynamoDb);
        }

        public Options withDataDirectory(Path directory) {
            return new Options(port, Optional.of(directory), dynamoInterceptors, eventSourceMapping, settings, maxConnections, connectRate, externalDynamoDb);
        }

        public Options withDynamoInterceptor(ExecutionInterceptor interceptor) {
            List<ExecutionInterceptor> all = new ArrayList<>(dynamoInterceptors);
            all.add(interceptor);
            return new Options(port, dataDirectory, List.copyOf(all), eventSourceMapping, settings, maxConnections, connectRate, externalDynamoDb);
        }

        public Options withEventSourceMapping(EventSourceMapping mapping) {
            return new Options(port, dataDirectory, dynamoInterceptors, mapping, settings, maxConnections, connectRate, externalDynamoDb);
        }

        /** A function setting other than its default (e.g. a short presence grace period for tests). */
        public Options withSetting(Setting setting, String value) {
            Map<Setting, String> all = new HashMap<>(settings);
            all.put(setting, value);
            return new Options(port, dataDirectory, dynamoInterceptors, eventSourceMapping, Map.copyOf(all), maxConnections, connectRate, externalDynamoDb);
        }
    }

    /** A DynamoDB (and DynamoDB Streams) endpoint this runtime does not run itself. */
    public record ExternalDynamoDb(URI endpoint, Region region, AwsCredentialsProvider credentials) {}

    static final String PRESENCE_QUEUE = "parley-presence";
    static final String NOTIFICATIONS_QUEUE = "parley-notifications";

    private final DynamoDbLocal dynamoDbLocal;
    private final DynamoDbClient dynamo;
    private final Server server;
    private final WebSocketGateway gateway;
    private final ConnectionsApi connectionsApi;
    private final StreamPoller poller;
    private final LocalQueue presenceQueue;
    private final LocalIssuer issuer;
    private final ParleyConfig config;
    private final int port;
    private final AtomicReference<FunctionHost> functions;

    private LocalRuntime(DynamoDbLocal dynamoDbLocal, DynamoDbClient dynamo, Server server, WebSocketGateway gateway,
                         ConnectionsApi connectionsApi, StreamPoller poller, LocalQueue presenceQueue, LocalIssuer issuer,
                         ParleyConfig config, int port, AtomicReference<FunctionHost> functions) {
        this.dynamoDbLocal = dynamoDbLocal;
        this.dynamo = dynamo;
        this.server = server;
        this.gateway = gateway;
        this.connectionsApi = connectionsApi;
        this.poller = poller;
        this.presenceQueue = presenceQueue;
        this.issuer = issuer;
        this.config = config;
        this.port = port;
        this.functions = functions;
    }

    public static LocalRuntime start(Options options) throws Exception {
        ExecutionInterceptor[] interceptors = options.dynamoInterceptors().toArray(ExecutionInterceptor[]::new);
        DynamoDbLocal dynamoDbLocal = options.externalDynamoDb().isPresent() ? null
                : DynamoDbLocal.start(options.dataDirectory().map(dir -> dir.resolve("dynamodb")));
        DynamoDbClient dynamo = options.externalDynamoDb().map(external -> externalClient(external, interceptors))
                .orElseGet(() -> dynamoDbLocal.client(interceptors));
        URI dynamoEndpoint = options.externalDynamoDb().map(ExternalDynamoDb::endpoint)
                .orElseGet(() -> dynamoDbLocal.endpoint());
        LocalIssuer issuer = LocalIssuer.create(options.dataDirectory());

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("parley-http");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(options.port());
        server.addConnector(connector);
        connector.open();
        int port = connector.getLocalPort();
        String base = "http://127.0.0.1:" + port;

        Map<String, String> environment = new HashMap<>(ParleyConfig.fromEnvironment(Map.of()).toEnvironment());
        environment.put(Setting.JWKS_URL.name(), base + DevApi.JWKS_PATH);
        environment.put(Setting.JWT_ISSUER.name(), LocalIssuer.ISSUER);
        environment.put(Setting.CONNECTIONS_ENDPOINT.name(), base);
        environment.put(Setting.DYNAMODB_ENDPOINT.name(), dynamoEndpoint.toString());
        environment.put(Setting.SQS_ENDPOINT.name(), base + LocalQueue.PREFIX);
        environment.put(Setting.PRESENCE_QUEUE_URL.name(), LocalQueue.queueUrl(base, PRESENCE_QUEUE));
        environment.put(Setting.NOTIFY_QUEUE_URL.name(), LocalQueue.queueUrl(base, NOTIFICATIONS_QUEUE));
        environment.put(Setting.PUSH_WEBHOOK_URL.name(), base + NotificationSink.PATH);
        options.settings().forEach((setting, value) -> environment.put(setting.name(), value));
        ParleyConfig config = ParleyConfig.fromEnvironment(environment);
        TableBootstrap.createMissing(dynamo, config);

        ApiGatewayManagementApiClient management = ApiGatewayManagementApiClient.builder()
                .endpointOverride(URI.create(base))
                .region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create(base + LocalQueue.PREFIX))
                .region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        FunctionLoader loader = new FunctionLoader(environment, dynamo, () -> management, () -> sqs, Clock.systemUTC());
        AtomicReference<FunctionHost> functions = new AtomicReference<>(loader.load());
        LocalQueue presenceQueue = new LocalQueue(PRESENCE_QUEUE, event -> functions.get().presenceCheck(event))
                .orElse(new LocalQueue(NOTIFICATIONS_QUEUE, event -> functions.get().notifications(event)));
        HttpApi httpApi = new HttpApi(functions::get, TokenVerifier.forJwksUrl(base + DevApi.JWKS_PATH,
                LocalIssuer.ISSUER, ""));

        WebSocketGateway gateway = new WebSocketGateway(functions::get,
                new Admission(options.maxConnections(), options.connectRate()));
        ConnectionsApi connectionsApi = new ConnectionsApi(gateway);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, gateway::configure);
        upgrades.setHandler(new Handler.Sequence(connectionsApi, httpApi, presenceQueue, new NotificationSink(),
                new DevApi(issuer, () -> {
                    functions.set(loader.load());
                    return gateway.connectionCount();
                }),
                new WebPage(), new NotFound()));
        context.setHandler(upgrades);
        server.setHandler(context);
        server.start();

        DynamoDbStreamsClient streams = options.externalDynamoDb()
                .map(external -> DynamoDbStreamsClient.builder()
                        .endpointOverride(external.endpoint())
                        .region(external.region())
                        .credentialsProvider(external.credentials())
                        .httpClient(UrlConnectionHttpClient.create())
                        .build())
                .orElseGet(dynamoDbLocal::streamsClient);
        String streamArn = dynamo.describeTable(d -> d.tableName(config.get(Setting.MESSAGES_TABLE)))
                .table().latestStreamArn();
        StreamPoller poller = new StreamPoller(streams, streamArn, event -> functions.get().fanout(event),
                options.eventSourceMapping(),
                options.dataDirectory().map(dir -> dir.resolve("stream-checkpoints.json")));
        poller.start();
        return new LocalRuntime(dynamoDbLocal, dynamo, server, gateway, connectionsApi, poller, presenceQueue, issuer,
                config, port, functions);
    }

    public int port() {
        return port;
    }

    public String websocketUrl() {
        return "ws://127.0.0.1:" + port;
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + port + "/api";
    }

    public String connectionsUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The line PROTOCOL.md promises on standard output once connections are accepted. */
    public String readyLine() {
        return "PARLEY READY {\"websocketUrl\":\"" + websocketUrl() + "\",\"httpUrl\":\"" + httpUrl()
                + "\",\"connectionsUrl\":\"" + connectionsUrl() + "\"}";
    }

    public LocalIssuer issuer() {
        return issuer;
    }

    public ParleyConfig config() {
        return config;
    }

    /** The functions' DynamoDB client, for tests that check what was stored. */
    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The functions now serving (replaced by every reload). */
    public FunctionHost functions() {
        return functions.get();
    }

    public WebSocketGateway gateway() {
        return gateway;
    }

    public ConnectionsApi connectionsApi() {
        return connectionsApi;
    }

    public StreamPoller streamPoller() {
        return poller;
    }

    @Override
    public void close() throws Exception {
        poller.close();
        presenceQueue.close();
        gateway.closeAll();
        server.stop();
        dynamo.close();
        if (dynamoDbLocal != null) {
            dynamoDbLocal.close(); // an external DynamoDB is not ours to stop
        }
    }

    private static DynamoDbClient externalClient(ExternalDynamoDb external, ExecutionInterceptor[] interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        for (ExecutionInterceptor interceptor : interceptors) {
            override.addExecutionInterceptor(interceptor);
        }
        return DynamoDbClient.builder()
                .endpointOverride(external.endpoint())
                .region(external.region())
                .credentialsProvider(external.credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override.build())
                .build();
    }
}
