package dev.parley.model.routes;

import static dev.parley.model.routes.TableOp.BATCH_GET_ITEM;
import static dev.parley.model.routes.TableOp.BATCH_WRITE_ITEM;
import static dev.parley.model.routes.TableOp.DELETE_ITEM;
import static dev.parley.model.routes.TableOp.GET_ITEM;
import static dev.parley.model.routes.TableOp.PUT_ITEM;
import static dev.parley.model.routes.TableOp.QUERY;
import static dev.parley.model.routes.TableOp.QUERY_INDEX;
import static dev.parley.model.routes.TableOp.UPDATE_ITEM;

import dev.parley.model.routes.Trigger.BucketObjectCreated;
import dev.parley.model.routes.Trigger.ConnectAuthorizer;
import dev.parley.model.routes.Trigger.HttpRoute;
import dev.parley.model.routes.Trigger.MessagesStream;
import dev.parley.model.routes.Trigger.QueueMessages;
import dev.parley.model.routes.Trigger.WebSocketRoute;
import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every function Parley deploys, with every route it serves: the one list that the functions
 * (which handler answers a route), the CDK app (functions, routes, integrations, grants,
 * SnapStart) and the local runtime (WebSocket and HTTP routing) read. Adding a route is one entry
 * here and one handler class.
 *
 * <p>Each {@link TableAccess} lists exactly the DynamoDB actions the handler's code paths call
 * (the CDK app grants those and nothing else): a store method that starts calling a new action,
 * or a handler that starts using a new store method, must add it here, or it fails with
 * AccessDenied on AWS. {@code CatalogueGrantsTest} in the functions module runs every handler
 * against DynamoDB Local through a client that refuses any action its entry lacks.
 *
 * <p>Handler classes are named as strings so that this module needs none of the function code.
 * Each names a class with a public constructor taking {@code dev.parley.functions.wiring.Wiring}
 * (how the local runtime and tests build it; the {@link Family#AUTHORIZER} family's takes the
 * token verifier instead, as its jar holds no AWS SDK) and a no-argument one (how Lambda builds it).
 *
 * <p>The last argument of each entry is its {@link Family}: the jar it is deployed from. Adding a
 * function to a family, or moving it, is that one argument.
 */
public final class Catalogue {
    private static final String HANDLERS = "dev.parley.functions.handlers.";

    /**
     * API Gateway gives a WebSocket or HTTP integration at most 29 s; a message handler doing a
     * few DynamoDB calls that has not answered in 10 s will not, and the client retries anyway.
     */
    public static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);

    private static final TableDefinition CONNECTIONS = Tables.Connections.DEFINITION;
    private static final TableDefinition CONVERSATIONS = Tables.Conversations.DEFINITION;
    private static final TableDefinition MESSAGES = Tables.Messages.DEFINITION;
    private static final TableDefinition IDEMPOTENCY = Tables.Idempotency.DEFINITION;
    private static final TableDefinition PRESENCE = Tables.Presence.DEFINITION;
    private static final TableDefinition RATE_LIMITS = Tables.RateLimits.DEFINITION;
    private static final TableDefinition DEVICES = Tables.Devices.DEFINITION;
    private static final TableDefinition INBOX = Tables.Inbox.DEFINITION;
    private static final TableDefinition ATTACHMENTS_TABLE = Tables.Attachments.DEFINITION;

    public static final FunctionSpec CONNECT_AUTHORIZER = new FunctionSpec("ConnectAuthorizer",
            HANDLERS + "ConnectAuthorizerHandler", List.of(new ConnectAuthorizer()), List.of(),
            false, true, MESSAGE_TIMEOUT, Family.AUTHORIZER);

    /**
     * Counts the user's live connections (their share; at the limit it asks the gateway which are
     * still open), records the connection and marks the user online; a change is published by the
     * presence-check function (a message on the presence queue), off the connection's critical
     * path. A user's first connection since their live item named push devices copies their
     * devices into it (one Query of the devices table).
     */
    public static final FunctionSpec CONNECT = new FunctionSpec("Connect", HANDLERS + "ConnectHandler",
            List.of(new WebSocketRoute("$connect", false)),
            List.of(TableAccess.of(CONNECTIONS, PUT_ITEM, QUERY, DELETE_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(PRESENCE, UPDATE_ITEM), TableAccess.of(DEVICES, QUERY)),
            true, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Runs after the socket is gone; nobody waits for it. Schedules the offline check on the
     * presence queue (at once after a clean close, else after the grace period); a device whose id is its connection id loses its ack positions with it.
     */
    public static final FunctionSpec DISCONNECT = new FunctionSpec("Disconnect", HANDLERS + "DisconnectHandler",
            List.of(new WebSocketRoute("$disconnect", false)),
            List.of(TableAccess.of(CONNECTIONS, DELETE_ITEM, QUERY, UPDATE_ITEM), TableAccess.of(INBOX, QUERY, BATCH_WRITE_ITEM)),
            false, false, MESSAGE_TIMEOUT, Family.ROUTES);

    /** Answers unknown actions with an error frame; a rare path. */
    public static final FunctionSpec DEFAULT_ROUTE = new FunctionSpec("DefaultRoute", HANDLERS + "DefaultRouteHandler",
            List.of(new WebSocketRoute("$default", true)), List.of(), false, false, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * In a direct conversation the seq counter's update is conditioned on the sender not being
     * blocked by the peer (protocol v2): the block check needs no grant and no read of its own.
     * In the attachments family: a message's attachments are checked with S3 HeadObject.
     */
    public static final FunctionSpec SEND = new FunctionSpec("Send", HANDLERS + "SendHandler",
            List.of(new WebSocketRoute("send", true)),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM, UPDATE_ITEM, PUT_ITEM),
                    TableAccess.of(MESSAGES, PUT_ITEM, GET_ITEM),
                    TableAccess.of(IDEMPOTENCY, GET_ITEM, PUT_ITEM, UPDATE_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM),
                    TableAccess.of(ATTACHMENTS_TABLE, GET_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ATTACHMENTS);

    /**
     * Protocol v2's send over HTTP: the same service, checks, budget and records as {@link #SEND}
     * (so the same grants), one billed HTTP API request instead of a WebSocket message and its reply.
     */
    public static final FunctionSpec SEND_HTTP = new FunctionSpec("SendHttp", HANDLERS + "SendHttpHandler",
            List.of(new HttpRoute("POST", "/conversations/{id}/messages"), new HttpRoute("POST", "/users/{userId}/messages")),
            SEND.tables(), false, true, MESSAGE_TIMEOUT, SEND.family());

    /**
     * Protocol v2's {@code edit}, {@code delete} and {@code react}: idempotent as {@code send} (the
     * same records), each a timeline event with its own seq, stored and applied to its target in one
     * transaction (TransactWriteItems is authorized by the PutItem, UpdateItem and DeleteItem of
     * each of its items). Reactions keep one item per (message, user, emoji) in the conversations table.
     */
    public static final FunctionSpec MESSAGE_EVENTS = new FunctionSpec("MessageEvents", HANDLERS + "MessageEventsHandler",
            List.of(new WebSocketRoute("edit", true), new WebSocketRoute("delete", true), new WebSocketRoute("react", true)),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM, UPDATE_ITEM, PUT_ITEM, DELETE_ITEM),
                    TableAccess.of(MESSAGES, PUT_ITEM, GET_ITEM, UPDATE_ITEM),
                    TableAccess.of(IDEMPOTENCY, GET_ITEM, PUT_ITEM, UPDATE_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Protocol v2's {@code typing}: relayed to the other members' live connections, never stored.
     * Membership is cached in the container (a bounded staleness, docs/protocol.md), and so is, in
     * a direct conversation, whether the peer blocked the sender (the sync store's block item); the
     * budget is kept in the container too, so a typing signal usually writes nothing.
     */
    public static final FunctionSpec TYPING = new FunctionSpec("Typing", HANDLERS + "TypingHandler",
            List.of(new WebSocketRoute("typing", true)),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM, QUERY), TableAccess.of(CONNECTIONS, QUERY, DELETE_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(INBOX, GET_ITEM)),
            true, true, MESSAGE_TIMEOUT, Family.ROUTES);

    public static final FunctionSpec HEARTBEAT = new FunctionSpec("Heartbeat", HANDLERS + "HeartbeatHandler",
            List.of(new WebSocketRoute("heartbeat", true)),
            List.of(TableAccess.of(CONNECTIONS, UPDATE_ITEM), TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /** Reading a page may declare an old hole a gap (a conditional PutItem on the messages table). */
    public static final FunctionSpec SYNC = new FunctionSpec("Sync", HANDLERS + "SyncHandler",
            List.of(new WebSocketRoute("sync", true)),
            List.of(TableAccess.of(CONVERSATIONS, QUERY_INDEX, GET_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(MESSAGES, QUERY, PUT_ITEM, GET_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM),
                    TableAccess.of(INBOX, QUERY_INDEX, BATCH_GET_ITEM, QUERY, UPDATE_ITEM, PUT_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ROUTES);

    public static final FunctionSpec HISTORY = new FunctionSpec("History", HANDLERS + "HistoryHandler",
            List.of(new WebSocketRoute("history", true)),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM, BATCH_GET_ITEM), TableAccess.of(MESSAGES, QUERY, PUT_ITEM, GET_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Acks are written in the caller's own partition of the sync store. A one-way route (issue 12:
     * a two-way route whose handler answers no body still sends an empty message on AWS): nothing
     * goes back on success; a refusal's error frame is posted to the caller's connection.
     */
    public static final FunctionSpec ACK = new FunctionSpec("Ack", HANDLERS + "AckHandler",
            List.of(new WebSocketRoute("ack", false)),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM), TableAccess.of(INBOX, UPDATE_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            true, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Read positions live in the sync store (the reader's entry, the peer's {@code peerReadSeq});
     * a partial read recounts the messages after it. Receipts are posted to connections (in a group
     * of at most 100 members, to the members: its count, then its member items); a 410
     * removes the gone connection. One-way, as {@link #ACK}: a refusal is posted to the caller.
     */
    public static final FunctionSpec READ_CURSOR = new FunctionSpec("Read", HANDLERS + "ReadHandler",
            List.of(new WebSocketRoute("read", false)),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM, QUERY), TableAccess.of(CONNECTIONS, QUERY, DELETE_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(INBOX, UPDATE_ITEM), TableAccess.of(MESSAGES, QUERY),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            true, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Groups and their administration (protocol v2): promotions, demotions and removals of admins
     * are transactions over the member item and the group's admin count (TransactWriteItems is
     * authorized by the UpdateItem and DeleteItem of its items); a rename updates each member's
     * sync-store entry. Every change draws a seq and stores its timeline entry (kind {@code member})
     * in the messages table, which fan-out pushes. The reading routes page the member items and
     * batch-read the members' sync-store entries (read positions).
     */
    public static final FunctionSpec GROUPS = new FunctionSpec("Groups", HANDLERS + "GroupsHandler",
            List.of(new HttpRoute("POST", "/groups"), new HttpRoute("POST", "/groups/{id}/members"),
                    new HttpRoute("DELETE", "/groups/{id}/members/{userId}"), new HttpRoute("PATCH", "/groups/{id}"),
                    new HttpRoute("PUT", "/groups/{id}/admins/{userId}"),
                    new HttpRoute("DELETE", "/groups/{id}/admins/{userId}"),
                    new HttpRoute("GET", "/groups/{id}/members"), new HttpRoute("GET", "/groups/{id}/reads")),
            List.of(TableAccess.of(CONVERSATIONS, GET_ITEM, QUERY, PUT_ITEM, UPDATE_ITEM, BATCH_WRITE_ITEM, DELETE_ITEM),
                    TableAccess.of(MESSAGES, PUT_ITEM, GET_ITEM),
                    TableAccess.of(CONNECTIONS, QUERY, DELETE_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(INBOX, GET_ITEM, PUT_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            true, true, MESSAGE_TIMEOUT, Family.ROUTES);

    public static final FunctionSpec CONVERSATIONS_LIST = new FunctionSpec("Conversations",
            HANDLERS + "ConversationsHandler",
            List.of(new HttpRoute("GET", "/conversations"), new HttpRoute("GET", "/conversations/{id}/messages")),
            List.of(TableAccess.of(CONVERSATIONS, QUERY_INDEX, GET_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(MESSAGES, QUERY, PUT_ITEM, GET_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM),
                    TableAccess.of(INBOX, QUERY_INDEX, BATCH_GET_ITEM, QUERY, UPDATE_ITEM, PUT_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * The caller's own choices (protocol v2): whom they block and which conversations they mute.
     * A block is one transaction over three items: the blocker's list and the blocked user's
     * "blocked by" list (both in the sync store, each in its user's own partition) and a flag on the
     * direct conversation's meta item, which the send path's seq allocation checks as a condition
     * (no read). A block or unblock posts the caller's presence as the other user is to see it now
     * (410s remove gone connections). Mute is a flag on the caller's sync-store entry.
     */
    public static final FunctionSpec SETTINGS = new FunctionSpec("Settings", HANDLERS + "SettingsHandler",
            List.of(new HttpRoute("PUT", "/blocks/{userId}"), new HttpRoute("DELETE", "/blocks/{userId}"),
                    new HttpRoute("GET", "/blocks"), new HttpRoute("PUT", "/conversations/{id}/settings")),
            List.of(TableAccess.of(INBOX, PUT_ITEM, DELETE_ITEM, QUERY, UPDATE_ITEM, GET_ITEM),
                    TableAccess.of(CONVERSATIONS, GET_ITEM, UPDATE_ITEM), TableAccess.of(RATE_LIMITS, UPDATE_ITEM),
                    TableAccess.of(CONNECTIONS, QUERY, DELETE_ITEM, UPDATE_ITEM, BATCH_GET_ITEM), TableAccess.of(PRESENCE, GET_ITEM)),
            true, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Removing a device also removes its ack positions from the sync store; registering marks the
     * user's badge counter for a recount (fan-out does not move it for users without a device); registering and
     * removing also name the device in the user's live item (connections table), which fan-out reads.
     */
    public static final FunctionSpec DEVICES_ROUTES = new FunctionSpec("Devices", HANDLERS + "DevicesHandler",
            List.of(new HttpRoute("PUT", "/devices/{deviceId}"), new HttpRoute("DELETE", "/devices/{deviceId}")),
            List.of(TableAccess.of(DEVICES, PUT_ITEM, DELETE_ITEM, QUERY), TableAccess.of(INBOX, QUERY, BATCH_WRITE_ITEM, UPDATE_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM), TableAccess.of(CONNECTIONS, UPDATE_ITEM)),
            false, false, MESSAGE_TIMEOUT, Family.ROUTES);

    public static final FunctionSpec PRESENCE_QUERY = new FunctionSpec("Presence", HANDLERS + "PresenceHandler",
            List.of(new HttpRoute("GET", "/presence")),
            List.of(TableAccess.of(CONNECTIONS, QUERY), TableAccess.of(PRESENCE, BATCH_GET_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM), TableAccess.of(INBOX, QUERY)),
            false, true, MESSAGE_TIMEOUT, Family.ROUTES);

    /**
     * Consumes the presence queue: publishes "online" after a {@code $connect} recorded it, and
     * "offline" once the reconnect grace period is over (at once after a sign-out), to the direct
     * peers recorded online (their presence items in batches of 100).
     */
    public static final FunctionSpec PRESENCE_CHECK = new FunctionSpec("PresenceCheck", HANDLERS + "PresenceCheckHandler",
            List.of(new QueueMessages(Queues.PRESENCE)),
            List.of(TableAccess.of(CONNECTIONS, QUERY, DELETE_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(PRESENCE, GET_ITEM, UPDATE_ITEM, BATCH_GET_ITEM),
                    TableAccess.of(CONVERSATIONS, QUERY_INDEX), TableAccess.of(INBOX, QUERY)),
            true, false, Duration.ofSeconds(30), Family.CONSUMERS);

    /**
     * The messages-stream consumer. No SnapStart: the stream poller keeps it warm while traffic
     * flows and a cold start is paid once per batch, not once per request. Its timeout covers a
     * full batch of @connections posts. It applies every entry to the members' sync-store entries
     * (rebuilding one older than the store from the timeline); offline notifications read the
     * badge from the store and unregister devices whose token the platform refused.
     */
    public static final FunctionSpec FANOUT = new FunctionSpec("Fanout", HANDLERS + "FanoutHandler",
            List.of(new MessagesStream()),
            List.of(TableAccess.of(CONNECTIONS, BATCH_GET_ITEM, DELETE_ITEM, UPDATE_ITEM), TableAccess.of(CONVERSATIONS, QUERY, QUERY_INDEX, GET_ITEM),
                    TableAccess.of(MESSAGES, QUERY), TableAccess.of(DEVICES, QUERY, DELETE_ITEM),
                    TableAccess.of(INBOX, UPDATE_ITEM, GET_ITEM, PUT_ITEM, QUERY)),
            true, false, Duration.ofSeconds(60), Family.CONSUMERS);

    /**
     * Consumes the fan-out queue (SQS FIFO): each message a chunk of a large conversation's
     * fan-out, recipients named in it, entries carried whole; the same work as {@link #FANOUT}
     * for those recipients, without the member read. Family: fan-out (with {@link #FANOUT}).
     */
    public static final FunctionSpec FANOUT_CHUNKS = new FunctionSpec("FanoutChunks", HANDLERS + "FanoutChunkHandler",
            List.of(new QueueMessages(Queues.FANOUT)),
            List.of(TableAccess.of(CONNECTIONS, BATCH_GET_ITEM, DELETE_ITEM, UPDATE_ITEM),
                    TableAccess.of(CONVERSATIONS, GET_ITEM, QUERY),
                    TableAccess.of(MESSAGES, QUERY), TableAccess.of(DEVICES, QUERY, DELETE_ITEM),
                    TableAccess.of(INBOX, UPDATE_ITEM, GET_ITEM, PUT_ITEM, QUERY)),
            true, false, Duration.ofSeconds(60), Family.CONSUMERS);

    /**
     * Consumes the notifications queue (fan-out's offline notices): reads each user's devices and
     * badge (the sync store) once per batch, sends through SNS, unregisters refused tokens. The CDK
     * app deploys the queue and gives fan-out its URL; without {@code NOTIFY_QUEUE_URL} (a runtime
     * configured without it) fan-out sends notifications itself.
     */
    public static final FunctionSpec NOTIFY = new FunctionSpec("Notify", HANDLERS + "NotifyHandler",
            List.of(new QueueMessages(Queues.NOTIFICATIONS)),
            List.of(TableAccess.of(DEVICES, QUERY, DELETE_ITEM), TableAccess.of(INBOX, QUERY, GET_ITEM, UPDATE_ITEM),
                    TableAccess.of(CONNECTIONS, UPDATE_ITEM)),
            false, false, Duration.ofSeconds(60), Family.CONSUMERS);

    /**
     * Starts uploads (a presigned PUT, after checking the caller is a member of the conversation)
     * and answers presigned GETs to members. Presigning calls nothing; the URL carries this
     * function's permission, so it holds the actions its URLs perform.
     */
    public static final FunctionSpec ATTACHMENTS = new FunctionSpec("Attachments", HANDLERS + "AttachmentsHandler",
            List.of(new HttpRoute("POST", "/attachments"), new HttpRoute("GET", "/attachments/{attachmentId}")),
            List.of(TableAccess.of(ATTACHMENTS_TABLE, PUT_ITEM, GET_ITEM), TableAccess.of(CONVERSATIONS, GET_ITEM),
                    TableAccess.of(RATE_LIMITS, UPDATE_ITEM)),
            false, true, MESSAGE_TIMEOUT, Family.ATTACHMENTS);

    /**
     * The bucket's object-created notifications for uploads: marks the attachment uploaded and
     * makes an image's thumbnail (at most 320 px) under {@link Bucket#THUMBNAILS}. Nobody waits on it.
     */
    public static final FunctionSpec THUMBNAILS = new FunctionSpec("Thumbnails", HANDLERS + "ThumbnailHandler",
            List.of(new BucketObjectCreated(Bucket.UPLOADS)),
            List.of(TableAccess.of(ATTACHMENTS_TABLE, GET_ITEM, UPDATE_ITEM)),
            false, false, Duration.ofSeconds(60), Family.ATTACHMENTS);

    /** What each function does in the attachments bucket, by function id; the CDK app grants exactly this. */
    private static final Map<String, List<Bucket.Access>> BUCKET_ACCESS = Map.of(
            SEND.id(), Bucket.access(Bucket.Access.of(Bucket.UPLOADS, Bucket.Op.GET_OBJECT)),
            SEND_HTTP.id(), Bucket.access(Bucket.Access.of(Bucket.UPLOADS, Bucket.Op.GET_OBJECT)),
            ATTACHMENTS.id(), Bucket.access(Bucket.Access.of(Bucket.UPLOADS, Bucket.Op.GET_OBJECT, Bucket.Op.PUT_OBJECT),
                    Bucket.Access.of(Bucket.THUMBNAILS, Bucket.Op.GET_OBJECT)),
            THUMBNAILS.id(), Bucket.access(Bucket.Access.of(Bucket.UPLOADS, Bucket.Op.GET_OBJECT),
                    Bucket.Access.of(Bucket.THUMBNAILS, Bucket.Op.PUT_OBJECT)));

    /** Every function, in the order the CDK app declares them. */
    public static final List<FunctionSpec> ALL = List.of(CONNECT_AUTHORIZER, CONNECT, DISCONNECT, DEFAULT_ROUTE, SEND,
            HEARTBEAT, SYNC, HISTORY, ACK, READ_CURSOR, GROUPS, CONVERSATIONS_LIST, DEVICES_ROUTES, PRESENCE_QUERY,
            PRESENCE_CHECK, FANOUT, FANOUT_CHUNKS, NOTIFY, MESSAGE_EVENTS, TYPING, ATTACHMENTS, THUMBNAILS, SETTINGS,
            SEND_HTTP);

    /** What a function does in the attachments bucket (empty: nothing). */
    public static List<Bucket.Access> bucketAccess(FunctionSpec spec) {
        return BUCKET_ACCESS.getOrDefault(spec.id(), List.of());
    }

    private Catalogue() {}

    /** The function serving a WebSocket route key, if any. */
    public static Optional<FunctionSpec> forWebSocketRoute(String routeKey) {
        return ALL.stream().filter(spec -> spec.webSocketRoutes().stream()
                .anyMatch(route -> route.routeKey().equals(routeKey))).findFirst();
    }

    /** Every WebSocket route, in catalogue order. */
    public static List<WebSocketRoute> webSocketRoutes() {
        return ALL.stream().flatMap(spec -> spec.webSocketRoutes().stream()).toList();
    }

    /** Every HTTP route, in catalogue order. */
    public static List<HttpRoute> httpRoutes() {
        return ALL.stream().flatMap(spec -> spec.httpRoutes().stream()).toList();
    }

    /** The function invoked by a trigger (the authorizer, the stream, a queue), if any. */
    public static Optional<FunctionSpec> forTrigger(Trigger trigger) {
        return ALL.stream().filter(spec -> spec.has(trigger)).findFirst();
    }

}
