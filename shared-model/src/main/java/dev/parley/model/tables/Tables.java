package dev.parley.model.tables;

import dev.parley.model.tables.TableDefinition.AttributeType;
import dev.parley.model.tables.TableDefinition.Index;
import dev.parley.model.tables.TableDefinition.Projection;
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
        /**
         * The sort key of each user's live item: one attribute per open connection
         * ({@link #LIVE_PREFIX} + connection id, valued with the device id), so that fan-out reads
         * a user's connections with one item of a BatchGetItem. API Gateway connection ids never
         * start with {@code #}.
         */
        public static final String LIVE_ITEM = "#live";
        public static final String LIVE_PREFIX = "c:";
        /**
         * On the live item: the user's registered push devices (SS), written with each registration,
         * so that fan-out hands on notices only for recipients with a device that is not online.
         */
        public static final String PUSH_DEVICES = "pushDevices";
        /**
         * On the live item: true once {@link #PUSH_DEVICES} names every registered device of the user
         * (copied from the devices table). Without it the live item says nothing about devices
         * (devices registered before live items named them), and fan-out hands on a notice.
         */
        public static final String DEVICES_KNOWN = "devicesKnown";

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
        /** A group member item: {@code true} when the member is an admin (protocol v2; absent otherwise). */
        public static final String ADMIN = "admin";
        /** A group's meta item: how many admins it has; every demotion or admin's leave keeps it at least 1. */
        public static final String ADMIN_COUNT = "adminCount";
        /**
         * A direct conversation's meta item: the members blocked by the other one (a string set,
         * protocol v2). The seq allocation of their sends is conditioned on not being in it.
         */
        public static final String BLOCKED = "blocked";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "CONVERSATIONS_TABLE", "parley-conversations",
                new Key(CONVERSATION_ID, AttributeType.STRING), Optional.of(new Key(ITEM, AttributeType.STRING)),
                Optional.empty(), false,
                List.of(new Index(BY_MEMBER_INDEX, new Key(MEMBER_ID, AttributeType.STRING),
                        Optional.of(new Key(CONVERSATION_ID, AttributeType.STRING)))));

        public static String memberItem(String userId) {
            return MEMBER_ITEM_PREFIX + userId;
        }

        /**
         * {@code r#<seq>#<userId>#<emoji>}: one user's reaction to one message (protocol v2), the
         * condition that makes a reaction count once. Never queried by prefix; read by key in
         * batches to mark the reader's own reactions ({@code me}).
         */
        public static final String REACTION_ITEM_PREFIX = "r#";

        public static String reactionItem(long seq, String userId, String emoji) {
            return REACTION_ITEM_PREFIX + seq + '#' + userId + '#' + emoji;
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

        // Protocol v2 (docs/data-model.md, "edits, deletions and reactions").
        /** An edit, delete or reaction entry: it changes the message at {@link #TARGET_SEQ}. */
        public static final String TYPE_EVENT = "e";
        /** {@code edit}, {@code delete} or {@code reaction} on an event entry. */
        public static final String KIND = "kind";
        public static final String TARGET_SEQ = "target";
        public static final String EMOJI = "emoji";
        public static final String REMOVE = "remove";
        /** A message's {@code replyTo}: the seq of the message it answers. */
        public static final String REPLY_TO = "replyTo";
        /** A message's current state, kept on its own item: when it was last edited... */
        public static final String EDITED_AT = "editedAt";
        /** ...whether it was deleted (its body is removed)... */
        public static final String DELETED = "deleted";
        /** ...and the seq of the last event applied (events apply in seq order: the condition of every event write). */
        public static final String STATE_SEQ = "stateSeq";
        /** The emojis reacted with so far (a string set, bounded by {@code MAX_EMOJIS_PER_MESSAGE}). */
        public static final String REACTION_EMOJIS = "rx";
        /** {@code r:<emoji>}: the number of reactions with that emoji (an atomic counter). */
        public static final String REACTION_COUNT_PREFIX = "r:";

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

    /**
     * The sync store: one partition per user holding what that user's devices need to catch up,
     * so that sync, the conversation list and unread cost what changed, not what exists
     * (docs/data-model.md, "inbox"). Items: {@code c#<conversationId>} (the user's entry for a
     * conversation: positions, counters, activity) and {@code k#<deviceId>#<conversationId>}
     * (a device's ack position), and the user's blocks ({@code blocks#<userId>},
     * {@code blockedBy#<userId>}), the badge counter ({@code #badge}) and the list marker
     * ({@code #listed}). {@code byChange} lists the entries changed since a cursor;
     * {@code byActiveHour} (keys only) lists them by the hour of their last activity, newest first.
     */
    public static final class Inbox {
        public static final String USER_ID = "userId";
        public static final String ITEM = "item";
        public static final String ENTRY_PREFIX = "c#";
        public static final String ACK_PREFIX = "k#";
        /** {@code blocks#<userId>}: the partition's user blocked that user (protocol v2; {@code GET /blocks}). */
        public static final String BLOCKS_PREFIX = "blocks#";
        /** {@code blockedBy#<userId>}: that user blocked the partition's user (hides their presence from them). */
        public static final String BLOCKED_BY_PREFIX = "blockedBy#";
        /** On a block item: when it was made (epoch ms). */
        public static final String BLOCKED_AT = "blockedAt";
        public static final String CONVERSATION_ID = "conversationId";
        public static final String KIND = "kind";
        public static final String NAME = "name";
        public static final String JOINED_SEQ = "joinedSeq";
        /** The highest seq applied to the entry (message or gap). */
        public static final String LAST_SEQ = "lastSeq";
        public static final String READ_SEQ = "readSeq";
        public static final String UNREAD = "unread";
        public static final String UNREAD_MENTIONS = "unreadMentions";
        /** Seqs below {@code lastSeq} not applied yet (arrived out of order): a number set, usually absent. */
        public static final String PENDING = "pending";
        /** Incremented by every change of the entry: readers' optimistic-concurrency token. */
        public static final String VERSION = "ver";
        /** {@code sentAt} of the newest message applied (epoch ms). */
        public static final String LAST_ACTIVITY = "lastActivity";
        /** When the newest message was applied (epoch ms): the list's order. */
        public static final String ACTIVE_AT = "activeAt";
        /**
         * {@link #activeHour} of {@code activeAt}: the {@code byActiveHour} sort key, so that a
         * message moves the entry in that index at most once an hour. Absent on left entries (the
         * list leaves them out) and on entries written before it existed (see {@link #LISTED_ITEM}).
         */
        public static final String ACTIVE_HOUR = "activeHour";
        /** When the entry last changed in any way (epoch ms): the {@code byChange} sort key. */
        public static final String CHANGED_AT = "changedAt";
        public static final String MUTED = "muted";
        /** Direct conversations: the peer's read position (read receipts). */
        public static final String PEER_READ_SEQ = "peerReadSeq";
        /** The user is no longer a member; kept so devices learn it, then expires. */
        public static final String LEFT = "left";
        public static final String DEVICE_ID = "deviceId";
        public static final String ACK_SEQ = "ackSeq";
        public static final String EXPIRES_AT = "expiresAt";
        public static final String BY_CHANGE_INDEX = "byChange";
        public static final String BY_ACTIVE_HOUR_INDEX = "byActiveHour";
        /**
         * The user's list marker: in {@code byActiveHour} above every real hour, written once every
         * entry of the user carries {@link #ACTIVE_HOUR} (entries older than the attribute get it
         * at the user's first list page without the marker).
         */
        public static final String LISTED_ITEM = "#listed";
        /** The marker's {@link #ACTIVE_HOUR}: later than any hour an entry can have. */
        public static final long LISTED_HOUR = Long.MAX_VALUE;
        private static final long HOUR_MILLIS = 3_600_000L;

        public static final TableDefinition DEFINITION = new TableDefinition(
                "INBOX_TABLE", "parley-inbox",
                new Key(USER_ID, AttributeType.STRING), Optional.of(new Key(ITEM, AttributeType.STRING)),
                Optional.of(EXPIRES_AT), false,
                List.of(new Index(BY_CHANGE_INDEX, new Key(USER_ID, AttributeType.STRING),
                                Optional.of(new Key(CHANGED_AT, AttributeType.NUMBER))),
                        new Index(BY_ACTIVE_HOUR_INDEX, new Key(USER_ID, AttributeType.STRING),
                                Optional.of(new Key(ACTIVE_HOUR, AttributeType.NUMBER)), Projection.KEYS_ONLY)));

        /** The hour (since the epoch) of an activity time in epoch ms. */
        public static long activeHour(long activeAt) {
            return Math.floorDiv(activeAt, HOUR_MILLIS);
        }

        public static String entryItem(String conversationId) {
            return ENTRY_PREFIX + conversationId;
        }

        public static String ackItem(String deviceId, String conversationId) {
            return ackPrefix(deviceId) + conversationId;
        }

        public static String ackPrefix(String deviceId) {
            return ACK_PREFIX + deviceId + '#';
        }

        private Inbox() {}
    }

    /**
     * Attachments: one item per upload started with {@code POST /attachments}, holding what its
     * owner declared (conversation, content type, size, file name) and, once the object-created
     * function has seen the object, its state and thumbnail. Keyed by the attachment id alone:
     * {@code GET /attachments/{id}} and a send's reference name nothing else.
     */
    public static final class Attachments {
        public static final String ATTACHMENT_ID = "attachmentId";
        public static final String OWNER_ID = "ownerId";
        public static final String CONVERSATION_ID = "conversationId";
        public static final String CONTENT_TYPE = "contentType";
        public static final String SIZE = "size";
        public static final String FILE_NAME = "fileName";
        /** {@code pending} until the object-created function has seen the object, then {@code uploaded}. */
        public static final String STATE = "state";
        public static final String CREATED_AT = "createdAt";
        /** Object key of the thumbnail, for images the object-created function could read. */
        public static final String THUMBNAIL_KEY = "thumbnailKey";

        public static final TableDefinition DEFINITION = new TableDefinition(
                "ATTACHMENTS_TABLE", "parley-attachments",
                new Key(ATTACHMENT_ID, AttributeType.STRING), Optional.empty(),
                Optional.empty(), false, List.of());

        private Attachments() {}
    }

    public static final List<TableDefinition> ALL = List.of(
            Connections.DEFINITION, Conversations.DEFINITION, Messages.DEFINITION, Idempotency.DEFINITION,
            Presence.DEFINITION, RateLimits.DEFINITION, Devices.DEFINITION, Inbox.DEFINITION,
            Attachments.DEFINITION);
}
