package dev.parley.model.tables;

import dev.parley.model.tables.TableDefinition.AttributeType;
import dev.parley.model.tables.TableDefinition.Index;
import dev.parley.model.tables.TableDefinition.Key;
import java.util.List;
import java.util.Optional;

/**
 * Parley's tables, their keys and their attribute names. docs/data-model.md explains each access
 * pattern; this class is the single source of the names.
 */
public final class Tables {
    private Tables() {}

    /**
     * Live WebSocket connections, one item per connection under its user, so that fan-out finds a
     * user's devices with one Query and $disconnect deletes by key (API Gateway hands every route
     * the authorizer's userId). Items expire shortly after API Gateway's two-hour connection limit.
     */
    public static final class Connections {
        public static final String USER_ID = "userId";
        public static final String CONNECTION_ID = "connectionId";
        public static final String DEVICE_ID = "deviceId";
        public static final String CONNECTED_AT = "connectedAt";
        public static final String LAST_ACTIVE_AT = "lastActiveAt";
        public static final String EXPIRES_AT = "expiresAt";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "CONNECTIONS_TABLE", "parley-connections",
                new Key(USER_ID, AttributeType.STRING), Optional.of(new Key(CONNECTION_ID, AttributeType.STRING)),
                Optional.of(EXPIRES_AT), false, List.of());

        private Connections() {}
    }

    /**
     * Conversations: a {@code #meta} item holding the per-conversation seq counter, and one item
     * per member ({@code m#<userId>}) with that member's cursors. The {@code byMember} index lists a
     * user's conversations.
     */
    public static final class Conversations {
        public static final String CONVERSATION_ID = "conversationId";
        public static final String ITEM = "item";
        public static final String META_ITEM = "#meta";
        public static final String MEMBER_ITEM_PREFIX = "m#";
        public static final String LAST_SEQ = "lastSeq";
        public static final String KIND = "kind";
        public static final String CREATED_AT = "createdAt";
        public static final String MEMBER_ID = "memberId";
        public static final String READ_SEQ = "readSeq";
        public static final String JOINED_SEQ = "joinedSeq";
        public static final String BY_MEMBER_INDEX = "byMember";
        public static final String NAME = "name";
        public static final String CREATED_BY = "createdBy";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "CONVERSATIONS_TABLE", "parley-conversations",
                new Key(CONVERSATION_ID, AttributeType.STRING), Optional.of(new Key(ITEM, AttributeType.STRING)),
                Optional.empty(), false,
                List.of(new Index(BY_MEMBER_INDEX, new Key(MEMBER_ID, AttributeType.STRING),
                        Optional.of(new Key(CONVERSATION_ID, AttributeType.STRING)))));

        public static String memberItem(String userId) {
            return MEMBER_ITEM_PREFIX + userId;
        }

        private Conversations() {}
    }

    /**
     * The timeline of every conversation, one item per seq: a message or a gap marker. Its stream
     * (new images) drives fan-out.
     */
    public static final class Messages {
        public static final String CONVERSATION_ID = "conversationId";
        public static final String SEQ = "seq";
        public static final String ENTRY_TYPE = "type";
        public static final String TYPE_MESSAGE = "m";
        public static final String TYPE_GAP = "g";
        public static final String SENDER_ID = "senderId";
        public static final String CLIENT_MSG_ID = "clientMsgId";
        public static final String BODY = "body";
        public static final String SENT_AT = "sentAt";
        /** The connection the message was sent from, which already has the {@code sent} reply. */
        public static final String ORIGIN_CONNECTION = "origin";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "MESSAGES_TABLE", "parley-messages",
                new Key(CONVERSATION_ID, AttributeType.STRING), Optional.of(new Key(SEQ, AttributeType.NUMBER)),
                Optional.empty(), true, List.of());

        private Messages() {}
    }

    /**
     * Idempotency records of sends: key {@code <conversationId>|<senderId>|<clientMsgId>}, holding
     * the seq the send was given and a hash of its content (a reused clientMsgId with other content
     * is a conflict). Expires after the idempotency window (48 hours by default).
     */
    public static final class Idempotency {
        public static final String KEY = "key";
        public static final String SEQ = "seq";
        public static final String SENT_AT = "sentAt";
        /** SHA-256 of the send's content (base64), as Powertools' payload validation keeps it. */
        public static final String CONTENT_HASH = "hash";
        public static final String EXPIRES_AT = "expiresAt";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "IDEMPOTENCY_TABLE", "parley-idempotency",
                new Key(KEY, AttributeType.STRING), Optional.empty(),
                Optional.of(EXPIRES_AT), false, List.of());

        public static String key(String conversationId, String senderId, String clientMsgId) {
            return conversationId + '|' + senderId + '|' + clientMsgId;
        }

        private Idempotency() {}
    }

    /**
     * Presence per user: whether observers were last told the user is online, and when the user
     * was last active when they went offline. While online, {@code lastActiveAt} comes from the
     * connections themselves.
     */
    public static final class Presence {
        public static final String USER_ID = "userId";
        public static final String ONLINE = "online";
        public static final String LAST_ACTIVE_AT = "lastActiveAt";
        public static final String CHANGED_AT = "changedAt";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "PRESENCE_TABLE", "parley-presence",
                new Key(USER_ID, AttributeType.STRING), Optional.empty(),
                Optional.empty(), false, List.of());

        private Presence() {}
    }

    /**
     * Rate-limit buckets, one item per (purpose, user): the bucket's theoretical arrival time
     * (GCRA). Idle buckets expire.
     */
    public static final class RateLimits {
        public static final String KEY = "key";
        public static final String TAT = "tat";
        public static final String EXPIRES_AT = "expiresAt";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "RATE_LIMITS_TABLE", "parley-rate-limits",
                new Key(KEY, AttributeType.STRING), Optional.empty(),
                Optional.of(EXPIRES_AT), false, List.of());

        private RateLimits() {}
    }

    /** Devices registered for offline push notifications: one item per (user, device). */
    public static final class Devices {
        public static final String USER_ID = "userId";
        public static final String DEVICE_ID = "deviceId";
        public static final String PLATFORM = "platform";
        public static final String PUSH_TOKEN = "pushToken";
        /** The SNS platform endpoint created for the token (AWS only). */
        public static final String ENDPOINT_ARN = "endpointArn";
        public static final String UPDATED_AT = "updatedAt";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "DEVICES_TABLE", "parley-devices",
                new Key(USER_ID, AttributeType.STRING), Optional.of(new Key(DEVICE_ID, AttributeType.STRING)),
                Optional.empty(), false, List.of());

        private Devices() {}
    }

    public static final List<TableDefinition> ALL = List.of(
            Connections.DEFINITION, Conversations.DEFINITION, Messages.DEFINITION, Idempotency.DEFINITION,
            Presence.DEFINITION, RateLimits.DEFINITION, Devices.DEFINITION);
}
