package dev.parley.functions.wiring;

import dev.parley.functions.auth.TokenVerifier;
import dev.parley.functions.push.ApiGatewayPusher;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.service.FanoutService;
import dev.parley.functions.service.ConversationAccess;
import dev.parley.functions.service.ReceiptService;
import dev.parley.functions.service.SendService;
import dev.parley.functions.service.SyncService;
import dev.parley.functions.service.TimelineReader;
import dev.parley.functions.store.dynamodb.DynamoConnectionStore;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.store.dynamodb.DynamoIdempotencyStore;
import dev.parley.functions.store.dynamodb.DynamoMessageStore;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The composition root: builds services from configuration and clients. On Lambda,
 * {@link #fromEnvironment()} builds the clients once per container with an explicit region,
 * environment-or-container credentials (SnapStart) and the URL-connection HTTP client (no provider-chain probing, no
 * Netty: short cold starts). The local runtime and tests pass their own clients.
 */
public final class Wiring {
    private final ParleyConfig config;
    private final DynamoDbClient dynamo;
    private final Supplier<ApiGatewayManagementApiClient> management;
    private final Clock clock;

    public Wiring(ParleyConfig config, DynamoDbClient dynamo, Supplier<ApiGatewayManagementApiClient> management,
                  Clock clock) {
        this.config = config;
        this.dynamo = dynamo;
        this.management = management;
        this.clock = clock;
    }

    public static Wiring fromEnvironment() {
        ParleyConfig config = ParleyConfig.fromSystemEnvironment();
        Region region = Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        SdkHttpClient http = UrlConnectionHttpClient.create();
        // SnapStart functions get their credentials from the container endpoint, not from
        // AWS_ACCESS_KEY_ID & co.: try the environment first, then the container provider.
        AwsCredentialsProvider credentials = AwsCredentialsProviderChain.of(
                EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.builder().build());
        DynamoDbClientBuilder dynamo = DynamoDbClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http);
        if (config.isSet(Setting.DYNAMODB_ENDPOINT)) {
            dynamo.endpointOverride(URI.create(config.get(Setting.DYNAMODB_ENDPOINT)));
        }
        Supplier<ApiGatewayManagementApiClient> management = () -> ApiGatewayManagementApiClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                .endpointOverride(URI.create(config.get(Setting.CONNECTIONS_ENDPOINT)))
                .build();
        return new Wiring(config, dynamo.build(), management, Clock.systemUTC());
    }

    public ParleyConfig config() {
        return config;
    }

    public ConnectionService connectionService() {
        return new ConnectionService(
                new DynamoConnectionStore(dynamo, config.get(Setting.CONNECTIONS_TABLE)),
                clock, config.getInt(Setting.CONNECTION_TTL_SECONDS));
    }

    public SendService sendService() {
        return new SendService(
                conversationStore(),
                new DynamoMessageStore(dynamo, config.get(Setting.MESSAGES_TABLE)),
                new DynamoIdempotencyStore(dynamo, config.get(Setting.IDEMPOTENCY_TABLE), clock),
                clock, Duration.ofHours(config.getInt(Setting.IDEMPOTENCY_TTL_HOURS)));
    }

    public FanoutService fanoutService() {
        int concurrency = config.getInt(Setting.FANOUT_CONCURRENCY);
        ExecutorService posters = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "parley-fanout");
            thread.setDaemon(true);
            return thread;
        });
        return new FanoutService(conversationStore(),
                new DynamoConnectionStore(dynamo, config.get(Setting.CONNECTIONS_TABLE)),
                new ApiGatewayPusher(management.get()), posters);
    }

    public SyncService syncService() {
        DynamoConversationStore conversations = conversationStore();
        DynamoMessageStore messages = messageStore();
        return new SyncService(conversations, messages, new ConversationAccess(conversations),
                new TimelineReader(messages, clock));
    }

    /** Read receipts post to connections: this needs the @connections endpoint. */
    public ReceiptService receiptService() {
        DynamoConversationStore conversations = conversationStore();
        return new ReceiptService(conversations, connectionStore(), new ConversationAccess(conversations),
                new ApiGatewayPusher(management.get()));
    }

    /** Acks post nothing: no @connections client is built (or needed in the environment). */
    public ReceiptService ackService() {
        DynamoConversationStore conversations = conversationStore();
        return new ReceiptService(conversations, connectionStore(), new ConversationAccess(conversations),
                (connectionId, frame) -> {
                    throw new IllegalStateException("acks push nothing");
                });
    }

    public TokenVerifier tokenVerifier() {
        return TokenVerifier.forJwksUrl(config.get(Setting.JWKS_URL), config.get(Setting.JWT_ISSUER),
                config.get(Setting.JWT_AUDIENCE));
    }

    private DynamoMessageStore messageStore() {
        return new DynamoMessageStore(dynamo, config.get(Setting.MESSAGES_TABLE));
    }

    private DynamoConnectionStore connectionStore() {
        return new DynamoConnectionStore(dynamo, config.get(Setting.CONNECTIONS_TABLE));
    }

    private DynamoConversationStore conversationStore() {
        return new DynamoConversationStore(dynamo, config.get(Setting.CONVERSATIONS_TABLE));
    }
}
