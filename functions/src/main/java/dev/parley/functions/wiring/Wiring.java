package dev.parley.functions.wiring;

import dev.parley.functions.attachments.AttachmentCheck;
import dev.parley.functions.attachments.AttachmentRules;
import dev.parley.functions.attachments.AttachmentService;
import dev.parley.functions.attachments.Thumbnails;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.functions.store.dynamodb.DynamoAttachmentStore;
import dev.parley.functions.store.s3.S3ObjectStore;
import dev.parley.functions.push.ApiGatewayPusher;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.service.FanoutService;
import dev.parley.functions.service.FanoutQueue;
import dev.parley.functions.queue.SqsFanoutQueue;
import dev.parley.functions.notify.PushNotifier;
import dev.parley.functions.notify.NotificationQueue;
import dev.parley.functions.notify.SqsNotificationQueue;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.notify.SnsPushNotifier;
import dev.parley.functions.notify.WebhookPushNotifier;
import dev.parley.functions.presence.SqsPresenceQueue;
import dev.parley.functions.snapstart.Priming;
import dev.parley.functions.snapstart.SnapStartHooks;
import dev.parley.functions.service.NotificationService;
import dev.parley.functions.service.Broadcaster;
import dev.parley.functions.service.Budget;
import dev.parley.functions.service.ConversationAccess;
import dev.parley.functions.service.GroupService;
import dev.parley.functions.service.PresenceService;
import dev.parley.functions.service.ReceiptService;
import dev.parley.functions.service.SendService;
import dev.parley.functions.service.SettingsService;
import dev.parley.functions.service.EventService;
import dev.parley.functions.service.ReactionMarks;
import dev.parley.functions.service.TypingService;
import dev.parley.functions.store.dynamodb.DynamoMessageEventStore;
import dev.parley.functions.service.SyncService;
import dev.parley.functions.service.Poster;
import dev.parley.functions.service.TimelineReader;
import dev.parley.functions.service.Unread;
import dev.parley.functions.service.InboxWriter;
import dev.parley.functions.service.MessageStoreTally;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.store.TimelineStream;
import dev.parley.functions.store.dynamodb.DynamoTimelineStream;
import dev.parley.functions.store.dynamodb.DynamoBlockStore;
import dev.parley.functions.store.dynamodb.DynamoConnectionStore;
import dev.parley.functions.store.dynamodb.DynamoDeviceStore;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.store.dynamodb.DynamoIdempotencyStore;
import dev.parley.functions.store.dynamodb.DynamoMessageStore;
import dev.parley.functions.store.dynamodb.DynamoPresenceStore;
import dev.parley.functions.store.dynamodb.DynamoRateLimiter;
import dev.parley.functions.ratelimit.LocalRateLimiter;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root: builds services from configuration and clients. On Lambda,
 * {@link #fromEnvironment()} builds the clients once per container with an explicit region,
 * environment-or-container credentials ({@link LambdaClients#credentials()}) and the URL-connection
 * HTTP client (no provider-chain probing, no Netty: short cold starts). The local runtime and tests
 * pass their own clients.
 */
public final class Wiring {
    private final ParleyConfig config;
    private final DynamoDbClient dynamo;
    private final Supplier<ApiGatewayManagementApiClient> management;
    private final Supplier<SqsClient> sqs;
    private final Supplier<PushNotifier> snsNotifier;
    private final Clock clock;
    private final Supplier<S3Clients> s3;
    private TypingService typing;
    private ExecutorService posters;
    private TokenVerifier tokenVerifier;

    /** S3 (attachments) with the SDK's default credentials and the region of {@code AWS_REGION}. */
    public Wiring(ParleyConfig config, DynamoDbClient dynamo, Supplier<ApiGatewayManagementApiClient> management,
                  Supplier<SqsClient> sqs, Clock clock) {
        this(config, dynamo, management, sqs, Lazy.of(() -> S3Clients.withDefaults(config)), clock);
    }

    public Wiring(ParleyConfig config, DynamoDbClient dynamo, Supplier<ApiGatewayManagementApiClient> management,
                  Supplier<SqsClient> sqs, S3Clients s3, Clock clock) {
        this(config, dynamo, management, sqs, () -> s3, clock);
    }

    /**
     * The S3 clients and the SNS client are built on first use, and only through types of this
     * module here ({@link S3Clients}, {@link PushNotifier}): the jars of the families without S3 or
     * SNS hold no such SDK classes ({@link LambdaClients}).
     */
    private Wiring(ParleyConfig config, DynamoDbClient dynamo, Supplier<ApiGatewayManagementApiClient> management,
                   Supplier<SqsClient> sqs, Supplier<S3Clients> s3, Clock clock) {
        this.s3 = Lazy.of(s3);
        this.config = config;
        this.dynamo = dynamo;
        this.management = Lazy.of(management);
        this.sqs = Lazy.of(sqs);
        this.clock = clock;
        Telemetry.configure(config.get(Setting.LOG_LEVEL), config.get(Setting.LOG_FILE));
        this.snsNotifier = Lazy.of(() -> new SnsPushNotifier(LambdaClients.sns(config),
                config.get(Setting.APNS_PLATFORM_APPLICATION_ARN), config.get(Setting.FCM_PLATFORM_APPLICATION_ARN)));
    }

    public static Wiring fromEnvironment() {
        ParleyConfig config = ParleyConfig.fromSystemEnvironment();
        Region region = Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        SdkHttpClient http = UrlConnectionHttpClient.create();
        AwsCredentialsProvider credentials = LambdaClients.credentials();
        DynamoDbClientBuilder dynamo = DynamoDbClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http);
        if (config.isSet(Setting.DYNAMODB_ENDPOINT)) {
            dynamo.endpointOverride(URI.create(config.get(Setting.DYNAMODB_ENDPOINT)));
        }
        // Lambda names the handler in _HANDLER: only the clients its family's jar holds are set up.
        String handler = System.getenv("_HANDLER");
        Family family = Catalogue.ALL.stream().filter(spec -> spec.lambdaHandler().equals(handler))
                .map(FunctionSpec::family).findFirst().orElse(null);
        Supplier<ApiGatewayManagementApiClient> management = has(family, Family.Service.APIGATEWAY_MANAGEMENT)
                ? LambdaClients.management(config, region, credentials, http)
                : LambdaClients.absent(family, Family.Service.APIGATEWAY_MANAGEMENT);
        Supplier<SqsClient> sqs = has(family, Family.Service.SQS)
                ? LambdaClients.sqs(config, region, credentials, http)
                : LambdaClients.absent(family, Family.Service.SQS);
        Wiring wiring = new Wiring(config, dynamo.build(), management, sqs,
                Lazy.of(() -> S3Clients.of(config, region, credentials, http)), Clock.systemUTC());
        // Only an init that Lambda runs to take a snapshot ever runs hooks (SnapStartHooks.snapStartInit).
        if (SnapStartHooks.snapStartInit()) {
            registerSnapStartHooks(wiring, handler);
        }
        return wiring;
    }

    /** Without a catalogue handler in {@code _HANDLER} (a tool, a test), every client. */
    private static boolean has(Family family, Family.Service service) {
        return family == null || family.has(service);
    }

    /**
     * Lambda names the handler it is initializing in {@code _HANDLER}; a catalogue function that runs
     * with SnapStart gets its family's hooks (priming before the snapshot, refreshing after a restore).
     */
    static void registerSnapStartHooks(Wiring wiring, String lambdaHandler) {
        Catalogue.ALL.stream()
                .filter(spec -> spec.snapStart() && spec.lambdaHandler().equals(lambdaHandler))
                .findFirst()
                .ifPresent(spec -> SnapStartHooks.register(wiring.snapStartHooks(spec)));
    }

    /**
     * The SnapStart hooks of a function's family, on this wiring's clients and token verifier. The
     * clients its first request builds besides DynamoDB's are built before the snapshot too: the
     * {@code @connections} client of a function that posts, the presence queue's of {@code $connect}.
     */
    public SnapStartHooks snapStartHooks(FunctionSpec spec) {
        Map<String, Supplier<?>> clients = new LinkedHashMap<>();
        if (spec.postsToConnections()) {
            clients.put("connections-client", management);
        }
        if (spec == Catalogue.CONNECT || spec == Catalogue.DISCONNECT) {
            clients.put("presence-queue-client", sqs);
        }
        return Priming.forFunction(spec, dynamo, definition -> config.get(Setting.valueOf(definition.envVar())),
                this::tokenVerifier, clients);
    }

    public ParleyConfig config() {
        return config;
    }

    public ConnectionService connectionService() {
        return new ConnectionService(connectionStore(), presenceService(), clock, config.getInt(Setting.CONNECTION_TTL_SECONDS),
                new ConnectionService.Limits(config.getInt(Setting.MAX_CONNECTIONS_PER_USER),
                        Duration.ofSeconds(config.getInt(Setting.PRESENCE_TIMEOUT_SECONDS)),
                        budget("heartbeat", Setting.HEARTBEAT_RATE, Setting.HEARTBEAT_BURST),
                        new Budget("heartbeat", new LocalRateLimiter(clock,
                                Double.parseDouble(config.get(Setting.HEARTBEAT_RATE)), config.getInt(Setting.HEARTBEAT_BURST))),
                        Duration.ofSeconds(Math.max(0, config.getInt(Setting.PRESENCE_TIMEOUT_SECONDS)
                                - config.getInt(Setting.HEARTBEAT_INTERVAL_SECONDS) - 5))),
                inboxStore(), Lazy.of(() -> new ApiGatewayPusher(management.get())));
    }

    /** Posting and scheduling clients are built on first use: a heartbeat never needs them. */
    public PresenceService presenceService() {
        return new PresenceService(connectionStore(), conversationAccess(),
                new DynamoPresenceStore(dynamo, config.get(Setting.PRESENCE_TABLE)), broadcaster(),
                Lazy.of(() -> new SqsPresenceQueue(sqs.get(), config.get(Setting.PRESENCE_QUEUE_URL))),
                clock, Duration.ofSeconds(config.getInt(Setting.PRESENCE_GRACE_SECONDS)),
                Duration.ofSeconds(config.getInt(Setting.PRESENCE_TIMEOUT_SECONDS)),
                budget("presence", Setting.PRESENCE_QUERY_RATE, Setting.PRESENCE_QUERY_BURST), blockStore());
    }

    /** Protocol v2's blocks and conversation settings (mute). */
    public SettingsService settingsService() {
        return new SettingsService(blockStore(), inboxStore(), conversationAccess(), clock,
                budget("blocks", Setting.BLOCKS_RATE, Setting.BLOCKS_BURST),
                budget("conversation-settings", Setting.CONVERSATION_SETTINGS_RATE, Setting.CONVERSATION_SETTINGS_BURST),
                presenceService());
    }

    public GroupService groupService() {
        DynamoConversationStore conversations = conversationStore();
        return new GroupService(conversations, inboxStore(), messageStore(), new ConversationAccess(conversations),
                broadcaster(), clock, config.getInt(Setting.MAX_GROUP_MEMBERS),
                budget("group-create", Setting.GROUP_CREATE_RATE, Setting.GROUP_CREATE_BURST),
                budget("members", Setting.MEMBER_CHANGE_RATE, Setting.MEMBER_CHANGE_BURST),
                budget("fetch", Setting.FETCH_RATE, Setting.FETCH_BURST), posters());
    }

    public SendService sendService() {
        return new SendService(
                conversationStore(),
                new DynamoMessageStore(dynamo, config.get(Setting.MESSAGES_TABLE)),
                new DynamoIdempotencyStore(dynamo, config.get(Setting.IDEMPOTENCY_TABLE), clock),
                sendLimiter(),
                clock, Duration.ofHours(config.getInt(Setting.IDEMPOTENCY_TTL_HOURS)))
                .withAttachments(attachmentCheck());
    }

    /** The send path's check of {@code body.attachments} (HeadObject per attachment). */
    public AttachmentCheck attachmentCheck() {
        return new AttachmentCheck(attachmentStore(), objectStore());
    }

    public AttachmentService attachmentService() {
        return new AttachmentService(attachmentStore(), objectStore(), conversationAccess(),
                new AttachmentRules(Long.parseLong(config.get(Setting.MAX_ATTACHMENT_BYTES))),
                budget("attachments", Setting.ATTACHMENT_RATE, Setting.ATTACHMENT_BURST),
                budget("attachment-get", Setting.FETCH_RATE, Setting.FETCH_BURST), clock);
    }

    /** The object-created function's work: uploaded state and thumbnails. */
    public Thumbnails thumbnails() {
        return new Thumbnails(attachmentStore(), objectStore());
    }

    private DynamoAttachmentStore attachmentStore() {
        return new DynamoAttachmentStore(dynamo, config.get(Setting.ATTACHMENTS_TABLE));
    }

    private S3ObjectStore objectStore() {
        S3Clients clients = s3.get();
        return new S3ObjectStore(clients.client(), clients.presigner(), config.get(Setting.ATTACHMENTS_BUCKET));
    }

    /** Protocol v2's edit, delete and react: the send's budget and idempotency records. */
    public EventService eventService() {
        return new EventService(conversationStore(), messageStore(), messageEventStore(),
                new DynamoIdempotencyStore(dynamo, config.get(Setting.IDEMPOTENCY_TABLE), clock),
                sendLimiter(),
                clock, Duration.ofHours(config.getInt(Setting.IDEMPOTENCY_TTL_HOURS)));
    }

    /**
     * Protocol v2's typing: one per container, so that its membership cache and its budget live as
     * long as the container (a new one per invocation would cache nothing).
     */
    public synchronized TypingService typingService() {
        if (typing == null) {
            DynamoConversationStore conversations = conversationStore();
            typing = new TypingService(new ConversationAccess(conversations), broadcaster(), clock, blockStore());
        }
        return typing;
    }

    public FanoutService fanoutService() {
        Supplier<FanoutQueue> queue = config.isSet(Setting.FANOUT_QUEUE_URL)
                ? Lazy.of(() -> new SqsFanoutQueue(sqs.get(), config.get(Setting.FANOUT_QUEUE_URL)))
                : null;
        return new FanoutService(conversationAccess(), connectionStore(), poster(), posters(), notificationService(),
                new InboxWriter(inboxStore(), messageStore(), conversationStore(), posters(), clock), queue,
                new FanoutService.Chunking(config.getInt(Setting.FANOUT_CHUNK_SIZE), config.getInt(Setting.FANOUT_QUEUE_GROUPS)));
    }

    /** Reads the messages stream's images for fan-out. */
    public TimelineStream timelineStream() {
        return new DynamoTimelineStream();
    }

    /** Notifications go to {@code PUSH_WEBHOOK_URL} when set (the local runtime's sink), else through SNS. */
    public NotificationService notificationService() {
        Supplier<PushNotifier> notifier = config.isSet(Setting.PUSH_WEBHOOK_URL)
                ? Lazy.of(() -> new WebhookPushNotifier(URI.create(config.get(Setting.PUSH_WEBHOOK_URL))))
                : snsNotifier;
        Supplier<NotificationQueue> queue = config.isSet(Setting.NOTIFY_QUEUE_URL)
                ? Lazy.of(() -> new SqsNotificationQueue(sqs.get(), config.get(Setting.NOTIFY_QUEUE_URL)))
                : null;
        return new NotificationService(new DynamoDeviceStore(dynamo, config.get(Setting.DEVICES_TABLE), config.get(Setting.CONNECTIONS_TABLE)), unread(), inboxStore(),
                notifier, clock, queue, budget("devices", Setting.DEVICES_RATE, Setting.DEVICES_BURST));
    }

    private Broadcaster broadcaster() {
        return new Broadcaster(connectionStore(), poster(), posters());
    }

    /** The @connections client is built on first post: a heartbeat or a read that tells nobody never needs it. */
    private Poster poster() {
        return new Poster(connectionStore(), Lazy.of(() -> new ApiGatewayPusher(management.get())));
    }

    /**
     * The @connections client for one-way routes that post their refusals to the caller (built
     * on first use: a route that refuses nothing never needs it).
     */
    public Supplier<ConnectionPusher> connectionPusher() {
        return Lazy.of(() -> new ApiGatewayPusher(management.get()));
    }

    private Unread unread() {
        return new Unread(inboxStore());
    }

    private ConversationAccess conversationAccess() {
        return new ConversationAccess(conversationStore());
    }

    /** One pool of posting threads per wiring (per Lambda container), created on first use. */
    private synchronized ExecutorService posters() {
        if (posters == null) {
            posters = Executors.newFixedThreadPool(config.getInt(Setting.FANOUT_CONCURRENCY), runnable -> {
                Thread thread = new Thread(runnable, "parley-post");
                thread.setDaemon(true);
                return thread;
            });
        }
        return posters;
    }

    public SyncService syncService() {
        DynamoConversationStore conversations = conversationStore();
        DynamoMessageStore messages = messageStore();
        return new SyncService(conversations, inboxStore(), new ConversationAccess(conversations),
                new TimelineReader(messages, clock), new SyncService.Budgets(
                        budget("sync", Setting.SYNC_RATE, Setting.SYNC_BURST),
                        budget("fetch", Setting.FETCH_RATE, Setting.FETCH_BURST),
                        budget("conversations", Setting.CONVERSATIONS_LIST_RATE, Setting.CONVERSATIONS_LIST_BURST)), clock,
                new ReactionMarks(messageEventStore()));
    }

    /** Read receipts post to connections; acks post nothing (the @connections client is built on first use). */
    public ReceiptService receiptService() {
        DynamoConversationStore conversations = conversationStore();
        return new ReceiptService(conversations, inboxStore(), new MessageStoreTally(messageStore()),
                new ConversationAccess(conversations), broadcaster(), clock,
                budget("ack", Setting.ACK_RATE, Setting.ACK_BURST), budget("read", Setting.READ_RATE, Setting.READ_BURST));
    }

    /** One per wiring: the authorizer and its SnapStart hooks share the cached key set. */
    public synchronized TokenVerifier tokenVerifier() {
        if (tokenVerifier == null) {
            tokenVerifier = TokenVerifier.fromConfig(config);
        }
        return tokenVerifier;
    }

    /** A route's per-user budget: a token bucket under its own key in the rate-limits table. */
    private Budget budget(String route, Setting rate, Setting burst) {
        return new Budget(route, rateLimiter(route, rate, burst));
    }

    /**
     * The send budget (send, edit, delete, react share it), leasing half the burst from a full
     * bucket: a user well under budget spends no DynamoDB write on most sends (docs/data-model.md).
     * One per service, and services live as long as their handler (the container).
     */
    private DynamoRateLimiter sendLimiter() {
        return rateLimiter("send", Setting.SEND_RATE, Setting.SEND_BURST).leasing(config.getInt(Setting.SEND_BURST) / 2);
    }

    private DynamoRateLimiter rateLimiter(String purpose, Setting rate, Setting burst) {
        return new DynamoRateLimiter(dynamo, config.get(Setting.RATE_LIMITS_TABLE), purpose, clock,
                Double.parseDouble(config.get(rate)), config.getInt(burst));
    }

    private DynamoMessageStore messageStore() {
        return new DynamoMessageStore(dynamo, config.get(Setting.MESSAGES_TABLE));
    }

    private DynamoMessageEventStore messageEventStore() {
        return new DynamoMessageEventStore(dynamo, config.get(Setting.MESSAGES_TABLE), config.get(Setting.CONVERSATIONS_TABLE));
    }

    private DynamoInboxStore inboxStore() {
        return new DynamoInboxStore(dynamo, config.get(Setting.INBOX_TABLE));
    }

    private DynamoBlockStore blockStore() {
        return new DynamoBlockStore(dynamo, config.get(Setting.INBOX_TABLE), config.get(Setting.CONVERSATIONS_TABLE));
    }

    private DynamoConnectionStore connectionStore() {
        return new DynamoConnectionStore(dynamo, config.get(Setting.CONNECTIONS_TABLE), config.get(Setting.DEVICES_TABLE));
    }

    private DynamoConversationStore conversationStore() {
        return new DynamoConversationStore(dynamo, config.get(Setting.CONVERSATIONS_TABLE));
    }
}
