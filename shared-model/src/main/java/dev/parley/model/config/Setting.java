package dev.parley.model.config;

import dev.parley.model.tables.Tables;

/**
 * Every configuration value a function reads, by environment variable. The CDK app sets these on
 * each function and the local runtime passes the same values to the handlers it builds: one
 * definition for both places.
 */
public enum Setting {
    CONNECTIONS_TABLE(Tables.Connections.DEFINITION.defaultName()),
    CONVERSATIONS_TABLE(Tables.Conversations.DEFINITION.defaultName()),
    MESSAGES_TABLE(Tables.Messages.DEFINITION.defaultName()),
    IDEMPOTENCY_TABLE(Tables.Idempotency.DEFINITION.defaultName()),
    PRESENCE_TABLE(Tables.Presence.DEFINITION.defaultName()),
    RATE_LIMITS_TABLE(Tables.RateLimits.DEFINITION.defaultName()),
    DEVICES_TABLE(Tables.Devices.DEFINITION.defaultName()),
    INBOX_TABLE(Tables.Inbox.DEFINITION.defaultName()),
    /** JWKS that $connect tokens are verified against (Cognito's, or the local issuer's). */
    JWKS_URL(null),
    /** Required {@code iss} of tokens. */
    JWT_ISSUER(null),
    /** Accepted {@code aud} (ID tokens) or {@code client_id} (Cognito access tokens); empty: any. */
    JWT_AUDIENCE(""),
    /** Base URL of the @connections management API, e.g. https://{api}.execute-api.{region}.amazonaws.com/{stage}. */
    CONNECTIONS_ENDPOINT(null),
    /** Override of the DynamoDB endpoint (DynamoDB Local); empty on AWS. */
    DYNAMODB_ENDPOINT(""),
    /** How long a clientMsgId keeps answering with its first seq. At least 24 hours. */
    IDEMPOTENCY_TTL_HOURS("48"),
    /** Connection items outlive API Gateway's 2-hour connection limit by this margin. */
    CONNECTION_TTL_SECONDS("7800"),
    /** Concurrent @connections posts per fan-out invocation. */
    FANOUT_CONCURRENCY("32"),
    /** Sends per second per user (all devices together), sustained. */
    SEND_RATE("20"),
    /** Sends a user may make at once before the sustained rate applies. */
    SEND_BURST("50"),
    /** history requests and GET /conversations/{id}/messages pages per second per user, sustained. */
    FETCH_RATE("10"),
    /** history requests and message pages a user may make at once. */
    FETCH_BURST("30"),
    /*
     * Per-user budgets of every other route (docs/security.md): a token bucket per user and route,
     * RATE per second sustained, BURST at once. Over budget: RATE_LIMITED with retryAfterMs, and
     * nothing is done. Each decision is one conditional write to the rate-limits table.
     */
    /** sync requests per second per user (every device together). */
    SYNC_RATE("5"),
    SYNC_BURST("20"),
    /** heartbeats per second per user: a device heartbeats about every 30 s. */
    HEARTBEAT_RATE("2"),
    HEARTBEAT_BURST("20"),
    /** ack frames per second per user: a device acks about once a second per active conversation. */
    ACK_RATE("20"),
    ACK_BURST("100"),
    /** read frames per second per user. */
    READ_RATE("10"),
    READ_BURST("50"),
    /** GET /conversations per second per user. */
    CONVERSATIONS_LIST_RATE("2"),
    CONVERSATIONS_LIST_BURST("20"),
    /** GET /presence per second per user (each asks about up to 100 users). */
    PRESENCE_QUERY_RATE("2"),
    PRESENCE_QUERY_BURST("20"),
    /** Groups a user may create per second, sustained (one every 10 s), and at once. */
    GROUP_CREATE_RATE("0.1"),
    GROUP_CREATE_BURST("10"),
    /** Member additions and removals, renames, promotions and demotions per second per user, and at once. */
    MEMBER_CHANGE_RATE("1"),
    MEMBER_CHANGE_BURST("30"),
    /** Blocks and unblocks, and block-list reads, per second per user, and at once. */
    BLOCKS_RATE("1"),
    BLOCKS_BURST("20"),
    /** Conversation settings changes (mute) per second per user, and at once. */
    CONVERSATION_SETTINGS_RATE("1"),
    CONVERSATION_SETTINGS_BURST("20"),
    /** Device registrations and removals per second per user, and at once. */
    DEVICES_RATE("1"),
    DEVICES_BURST("10"),
    /**
     * Live connections one user may hold (every device); a $connect beyond it is refused with
     * HTTP 429, so one user cannot take every connection slot.
     */
    MAX_CONNECTIONS_PER_USER("10"),
    /** Offline notifications are POSTed as JSON here when set (the local runtime's sink); else Amazon SNS. */
    PUSH_WEBHOOK_URL(""),
    /** SNS platform application for APNs tokens; empty: APNs devices get no notification. */
    APNS_PLATFORM_APPLICATION_ARN(""),
    /** SNS platform application for FCM tokens; empty: FCM devices get no notification. */
    FCM_PLATFORM_APPLICATION_ARN(""),
    /** Override of the SNS endpoint; empty on AWS. */
    SNS_ENDPOINT(""),
    /** DEBUG, INFO, WARN or ERROR: the lowest level of log lines written. */
    LOG_LEVEL("INFO"),
    /** Append log lines to this file instead of standard error (local runtime: --log-file). */
    LOG_FILE(""),
    /** Largest group, members included (docs/architecture.md, "Fan-out": chunked above FANOUT_CHUNK_SIZE). */
    MAX_GROUP_MEMBERS("10000"),
    /**
     * SQS FIFO queue carrying the chunks of large conversations' fan-out to the chunk function;
     * empty: the stream function serves every conversation itself, whatever its size.
     */
    FANOUT_QUEUE_URL(""),
    /** Recipients per fan-out chunk; a conversation with more members is fanned out in chunks through the queue. */
    FANOUT_CHUNK_SIZE("500"),
    /**
     * FIFO message groups per large conversation (members are hashed into them): how many chunks
     * of one conversation are served at once. Changing it may reorder the pushes in flight.
     */
    FANOUT_QUEUE_GROUPS("32"),
    /** SQS queue whose delayed messages trigger the offline check after the grace period. */
    PRESENCE_QUEUE_URL(null),
    /**
     * SQS queue of fan-out's offline notices, consumed by the notification function; empty: fan-out
     * delivers notifications itself (as before the queue existed).
     */
    NOTIFY_QUEUE_URL(""),
    /** Override of the SQS endpoint (the local runtime's queue emulator); empty on AWS. */
    SQS_ENDPOINT(""),
    /** A user who reconnects within this many seconds is never shown offline. */
    PRESENCE_GRACE_SECONDS("30"),
    /** A connection without a heartbeat (or connect) for this long no longer counts as online. */
    PRESENCE_TIMEOUT_SECONDS("90"),
    /**
     * How often clients heartbeat (the SDKs' default). A heartbeat writes {@code lastActiveAt} only
     * when the stored one may be older than PRESENCE_TIMEOUT_SECONDS minus this minus 5 s (55 s by
     * default), so a connection that heartbeats this often never looks stale.
     */
    HEARTBEAT_INTERVAL_SECONDS("30"),

    // Attachments (docs/protocol.md, "Attachments").
    ATTACHMENTS_TABLE(Tables.Attachments.DEFINITION.defaultName()),
    /** The bucket attachments are uploaded to (the CDK app sets the deployed bucket's name). */
    ATTACHMENTS_BUCKET("parley-attachments"),
    /** Override of the S3 endpoint (the local runtime's S3-compatible server, path-style); empty on AWS. */
    S3_ENDPOINT(""),
    /** Largest attachment, in bytes (100 MB). */
    MAX_ATTACHMENT_BYTES("104857600"),
    /** Attachment uploads started per second per user, and at once. */
    ATTACHMENT_RATE("2"),
    ATTACHMENT_BURST("20");

    private final String defaultValue;

    Setting(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    /** The default, or null when the setting must be given. */
    public String defaultValue() {
        return defaultValue;
    }
}
