package dev.parley.local;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.dynamodb.local.TableBootstrap;
import dev.parley.local.auth.LocalIssuer;
import dev.parley.local.functions.FunctionHost;
import dev.parley.local.functions.FunctionLoader;
import dev.parley.local.gateway.GatewayLimits;
import dev.parley.local.gateway.ConnectionsApi;
import dev.parley.local.gateway.WebSocketGateway;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.local.http.DevApi;
import dev.parley.local.http.HttpApi;
import dev.parley.local.http.JsonErrors;
import dev.parley.local.http.LocalQueue;
import dev.parley.local.http.NotFound;
import dev.parley.local.http.NotificationSink;
import dev.parley.local.http.WebPage;
import dev.parley.local.s3.LocalS3;
import dev.parley.local.streams.EventSourceMapping;
import dev.parley.local.streams.StreamPoller;
import dev.parley.local.streams.WriteSignal;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.Bucket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole backend on one machine, in this JVM: DynamoDB Local, the WebSocket gateway with its
 * {@code @connections} API, the stream poller that drives fan-out, and the local token issuer.
 * The functions are the handler classes of functions/, given local endpoints and configuration.
 */
public final class LocalRuntime implements AutoCloseable {

    /**
     * How to run: built with {@link #builder()} (or {@link #toBuilder()} to change one thing).
     *
     * @param port                0 picks a free port
     * @param dataDirectory       file-backed tables (and issuer key, stream checkpoints) when present
     * @param dynamoInterceptors  interceptors on the functions' DynamoDB client (fault injection, metering)
     * @param settings            function settings other than their defaults
     * @param gateway             what the WebSocket gateway enforces (admission, timeouts, fairness)
     * @param externalDynamoDb    tables on this DynamoDB instead of an embedded DynamoDB Local
     */
    public record Options(int port, Optional<Path> dataDirectory, List<ExecutionInterceptor> dynamoInterceptors,
                          EventSourceMapping eventSourceMapping, Map<Setting, String> settings, GatewayLimits gateway,
                          Optional<ExternalDynamoDb> externalDynamoDb) {
        public Options {
            dynamoInterceptors = List.copyOf(dynamoInterceptors);
            settings = Map.copyOf(settings);
        }

        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            Builder builder = new Builder();
            builder.port = port;
            builder.dataDirectory = dataDirectory;
            builder.dynamoInterceptors.addAll(dynamoInterceptors);
            builder.eventSourceMapping = eventSourceMapping;
            builder.settings.putAll(settings);
            builder.maxConnections = gateway.maxConnections();
            builder.connectRate = gateway.connectRate();
            builder.idleTimeout = gateway.idleTimeout();
            builder.maxConnectionDuration = gateway.maxConnectionDuration();
            builder.externalDynamoDb = externalDynamoDb;
            return builder;
        }

        /** Builds {@link Options}; every value starts at its default. */
        public static final class Builder {
            private int port = 8080;
            private Optional<Path> dataDirectory = Optional.empty();
            private final List<ExecutionInterceptor> dynamoInterceptors = new ArrayList<>();
            private EventSourceMapping eventSourceMapping = EventSourceMapping.DEFAULT;
            private final Map<Setting, String> settings = new HashMap<>();
            private int maxConnections = GatewayLimits.DEFAULTS.maxConnections();
            private int connectRate = GatewayLimits.DEFAULTS.connectRate();
            private Duration idleTimeout = GatewayLimits.DEFAULTS.idleTimeout();
            private Duration maxConnectionDuration = GatewayLimits.DEFAULTS.maxConnectionDuration();
            private Optional<ExternalDynamoDb> externalDynamoDb = Optional.empty();

            private Builder() {}

            /** The port of every endpoint (default 8080); 0 picks a free one. */
            public Builder port(int port) {
                this.port = port;
                return this;
            }

            public Builder dataDirectory(Path directory) {
                this.dataDirectory = Optional.of(directory);
                return this;
            }

            /** One more interceptor on the functions' DynamoDB client. */
            public Builder dynamoInterceptor(ExecutionInterceptor interceptor) {
                dynamoInterceptors.add(interceptor);
                return this;
            }

            public Builder eventSourceMapping(EventSourceMapping mapping) {
                this.eventSourceMapping = mapping;
                return this;
            }

            /** A function setting other than its default (e.g. a short presence grace period for tests). */
            public Builder setting(Setting setting, String value) {
                settings.put(setting, value);
                return this;
            }

            /** Admission limits of the gateway: open connections, and new connections per second. */
            public Builder admission(int maxConnections, int connectRate) {
                this.maxConnections = maxConnections;
                this.connectRate = connectRate;
                return this;
            }

            /** API Gateway's idle timeout (10 minutes) and maximum connection duration (2 hours), shortened for tests. */
            public Builder connectionTimeouts(Duration idleTimeout, Duration maxConnectionDuration) {
                this.idleTimeout = idleTimeout;
                this.maxConnectionDuration = maxConnectionDuration;
                return this;
            }

            /**
             * Tables and their stream on an external DynamoDB (LocalStack, ...) instead of the embedded
             * DynamoDB Local: none is started; the functions' client (with the interceptors) and the
             * stream poller use this endpoint, region and credentials. Tables are created when missing,
             * named by the {@code *_TABLE} settings. A data directory still keeps the issuer key and the
             * stream checkpoints.
             */
            public Builder externalDynamoDb(URI endpoint, Region region, AwsCredentialsProvider credentials) {
                this.externalDynamoDb = Optional.of(new ExternalDynamoDb(endpoint, region, credentials));
                return this;
            }

            public Options build() {
                GatewayLimits gateway = new GatewayLimits(maxConnections, connectRate, idleTimeout, maxConnectionDuration,
                        GatewayLimits.DEFAULTS.queuedFramesPerConnection(), GatewayLimits.DEFAULTS.invocationsPerConnection());
                return new Options(port, dataDirectory, dynamoInterceptors, eventSourceMapping, settings, gateway,
                        externalDynamoDb);
            }
        }
    }

    /** A DynamoDB (and DynamoDB Streams) endpoint this runtime does not run itself. */
    public record ExternalDynamoDb(URI endpoint, Region region, AwsCredentialsProvider credentials) {}

    static final String PRESENCE_QUEUE = "parley-presence";
    static final String NOTIFICATIONS_QUEUE = "parley-notifications";
    static final String FANOUT_QUEUE = "parley-fanout.fifo";
    /** Fan-out chunks served at once (message groups in flight), as Lambda would run concurrent chunk functions. */
    static final int FANOUT_QUEUE_CONCURRENCY = 4;
    /** Read timeout of an HTTP connection (an upgraded WebSocket has the gateway's idle timeout instead). */
    static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(20);

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
    private final LocalS3 s3;

    private LocalRuntime(DynamoDbLocal dynamoDbLocal, DynamoDbClient dynamo, Server server, WebSocketGateway gateway,
                         ConnectionsApi connectionsApi, StreamPoller poller, LocalQueue presenceQueue, LocalIssuer issuer,
                         ParleyConfig config, int port, AtomicReference<FunctionHost> functions, LocalS3 s3) {
        this.s3 = s3;
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
        // Bind first: a port in use is the commonest failure, and nothing else has started yet.
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("parley-http");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(options.port());
        // Slow clients (a byte every few seconds) lose their connection instead of holding a thread.
        connector.setIdleTimeout(HTTP_IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrors());
        connector.open();
        AutoCloseable[] started = new AutoCloseable[2];
        try {
            return start(options, server, connector, started);
        } catch (Exception | Error failed) {
            connector.close();
            for (AutoCloseable part : started) {
                if (part != null) {
                    part.close();
                }
            }
            throw failed;
        }
    }

    private static LocalRuntime start(Options options, Server server, ServerConnector connector,
                                      AutoCloseable[] started) throws Exception {
        // The functions' writes to the messages table wake the stream poller (it rests when idle).
        WriteSignal messagesWritten = new WriteSignal();
        List<ExecutionInterceptor> all = new ArrayList<>(options.dynamoInterceptors());
        all.add(messagesWritten);
        ExecutionInterceptor[] interceptors = all.toArray(ExecutionInterceptor[]::new);
        DynamoDbLocal dynamoDbLocal = options.externalDynamoDb().isPresent() ? null
                : DynamoDbLocal.start(options.dataDirectory().map(dir -> dir.resolve("dynamodb")));
        started[0] = dynamoDbLocal;
        DynamoDbClient dynamo = options.externalDynamoDb().map(external -> externalClient(external, interceptors))
                .orElseGet(() -> dynamoDbLocal.client(interceptors));
        URI dynamoEndpoint = options.externalDynamoDb().map(ExternalDynamoDb::endpoint)
                .orElseGet(() -> dynamoDbLocal.endpoint());
        LocalIssuer issuer = LocalIssuer.create(options.dataDirectory());
        AtomicReference<FunctionHost> functions = new AtomicReference<>();
        LocalS3 s3 = LocalS3.start(options.dataDirectory().map(dir -> dir.resolve("s3")),
                options.settings().getOrDefault(Setting.ATTACHMENTS_BUCKET, Setting.ATTACHMENTS_BUCKET.defaultValue()),
                Bucket.UPLOADS, event -> functions.get().objectCreated(event));
        started[1] = s3;

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
        environment.put(Setting.FANOUT_QUEUE_URL.name(), LocalQueue.queueUrl(base, FANOUT_QUEUE));
        environment.put(Setting.PUSH_WEBHOOK_URL.name(), base + NotificationSink.PATH);
        environment.put(Setting.S3_ENDPOINT.name(), s3.endpoint().toString());
        options.settings().forEach((setting, value) -> environment.put(setting.name(), value));
        ParleyConfig config = ParleyConfig.fromEnvironment(environment);
        TableBootstrap.createMissing(dynamo, config);

        ApiGatewayManagementApiClient management = ConnectionsApi.client(URI.create(base));
        SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create(base + LocalQueue.PREFIX))
                .region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        S3Client s3Client = s3.client();
        S3Presigner s3Presigner = s3.presigner();
        FunctionLoader loader = new FunctionLoader(environment, dynamo, () -> management, () -> sqs, () -> s3Client,
                () -> s3Presigner, Clock.systemUTC());
        functions.set(loader.load());
        LocalQueue presenceQueue = new LocalQueue(PRESENCE_QUEUE, event -> functions.get().presenceCheck(event))
                .orElse(new LocalQueue(NOTIFICATIONS_QUEUE, event -> functions.get().notifications(event))
                        .orElse(new LocalQueue(FANOUT_QUEUE, event -> functions.get().fanoutChunks(event),
                                FANOUT_QUEUE_CONCURRENCY)));
        HttpApi httpApi = new HttpApi(functions::get, TokenVerifier.forJwksUrl(base + DevApi.JWKS_PATH,
                LocalIssuer.ISSUER, ""));

        WebSocketGateway gateway = new WebSocketGateway(functions::get, options.gateway());
        ConnectionsApi connectionsApi = new ConnectionsApi(gateway, ConnectionsApi.localSignatures(Clock.systemUTC()));
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, gateway::configure);
        upgrades.setHandler(new Handler.Sequence(connectionsApi, httpApi, presenceQueue, new NotificationSink(),
                new DevApi(issuer, () -> {
                    functions.set(loader.load());
                    return gateway.connectionCount();
                }),
                new WebPage(s3.endpoint()), new NotFound()));
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
        messagesWritten.watch(config.get(Setting.MESSAGES_TABLE));
        // Every writer of the embedded DynamoDB Local is this process's client, which signals: the
        // poller rests a minute when idle. An external one may have writers no signal sees.
        Duration pollerRest = options.externalDynamoDb().isPresent() ? StreamPoller.MAX_IDLE
                : StreamPoller.SIGNALLED_MAX_IDLE;
        StreamPoller poller = new StreamPoller(streams, streamArn, event -> functions.get().fanout(event),
                options.eventSourceMapping(),
                options.dataDirectory().map(dir -> dir.resolve("stream-checkpoints.json")),
                messagesWritten, pollerRest);
        poller.start();
        return new LocalRuntime(dynamoDbLocal, dynamo, server, gateway, connectionsApi, poller, presenceQueue, issuer,
                config, port, functions, s3);
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

    /** The line docs/protocol.md promises on standard output once connections are accepted. */
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

    /**
     * A new SDK client of this runtime's {@code @connections} API, signing with the local
     * credentials as the functions' client does; the caller closes it.
     */
    public ApiGatewayManagementApiClient connectionsClient() {
        return ConnectionsApi.client(URI.create(connectionsUrl()));
    }

    /** The SQS emulator's queues (a chain: presence, notifications, fan-out), for their delivery counters. */
    public LocalQueue queues() {
        return presenceQueue;
    }

    public StreamPoller streamPoller() {
        return poller;
    }

    /** The local S3 server (attachments): its endpoint, and clients for tests. */
    public LocalS3 s3() {
        return s3;
    }

    @Override
    public void close() throws Exception {
        poller.close();
        gateway.closeAll(); // runs the $disconnect functions, which post to the queues
        presenceQueue.close();
        server.stop();
        dynamo.close();
        s3.close();
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
