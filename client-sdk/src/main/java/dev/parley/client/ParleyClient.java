package dev.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.internal.ClientConfig;
import dev.parley.client.internal.Engine;
import dev.parley.client.internal.Wire;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A Parley client: one WebSocket connection, kept open, that delivers every message of the
 * user's conversations to a {@link MessageListener} exactly once and in seq order, across
 * disconnects.
 *
 * <ul>
 *   <li><b>Connecting.</b> A fresh token from the {@link TokenSupplier} for every attempt. A
 *       dropped connection or failed attempt (HTTP 429 included) is retried after a
 *       {@link Backoff} delay with full jitter. A handshake refused with 401/403 is retried once
 *       with a fresh token, then reported through {@link MessageListener#onAuthFailed} and not
 *       retried until {@link #reconnect()}. A heartbeat goes out every heartbeat interval; a
 *       connection that then stays silent for the request timeout is treated as dropped.</li>
 *   <li><b>Catching up.</b> On every (re)connect the client syncs from the device's one
 *       position in the user's change log ({@link CursorStore#loadSyncPosition}), page by page
 *       while the server says more follows, and gets only the conversations that changed; each
 *       that lacks messages is fetched by itself, down to its cursor. A new device (nothing
 *       held) gets each conversation's newest page; older messages are for {@link #history}.
 *       A conversation the user left is dropped.</li>
 *   <li><b>In order, once.</b> Pushes that arrive ahead of a missing seq wait in a buffer; a
 *       seq still missing after the gap wait (or a buffer grown too large) fetches that
 *       conversation alone. Gaps (frames, or seqs a page leaves out) are consumed. Duplicates, by
 *       {@code (conversationId, seq)}, are dropped.</li>
 *   <li><b>Sending.</b> {@link #send} generates the {@code clientMsgId} and keeps the send until
 *       the server confirms it, transmitting it again with the same id on timeout, after a
 *       reconnect, on {@code INTERNAL}, and after {@code retryAfterMs} on {@code RATE_LIMITED}:
 *       the server stores it once. Sends to one destination go out one after the other, so
 *       their seqs follow the order of the calls.</li>
 *   <li><b>Safety net.</b> While connected, a sync at least every resync interval, for a push
 *       lost for good that no later message would reveal.</li>
 *   <li><b>Acks.</b> After the listener got a conversation's messages the client acks its cursor,
 *       at most once per ack interval per conversation.</li>
 * </ul>
 *
 * <p>Thread-safe. The listener is called on one thread of the client's own, never concurrently.
 */
public final class ParleyClient implements AutoCloseable {
    private final Engine engine;

    private ParleyClient(ClientConfig config) {
        this.engine = new Engine(config);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts connecting (and reconnecting, from then on). The future completes when the first
     * connection is open and caught up, after the listener was given what that first sync
     * brought; it fails with {@link AuthFailedException} when the handshake is refused twice
     * (after {@link MessageListener#onAuthFailed} ran), with {@link ConnectFailedException} when no
     * connection was caught up within the connect timeout (the cause says why, e.g. a
     * {@link java.net.ConnectException}: "connection refused"; the client goes on trying in the
     * background until {@link #close()}), or {@link ClientClosedException}.
     */
    public CompletableFuture<Void> connect() {
        return engine.connect();
    }

    /** Connects now: after {@link ConnectionState#AUTH_FAILED}, or to skip a pending backoff wait. */
    public void reconnect() {
        engine.reconnect();
    }

    /**
     * Sends {@code body} (a non-empty JSON object, at most 16 KiB serialized) to a conversation
     * or, with {@link To#user}, to the direct conversation with a user.
     *
     * <p>The future completes with the seq once the server stored the message, however many
     * retries that took and across reconnects; it fails with {@link ServerErrorException} for a
     * definitive refusal ({@code BAD_REQUEST}, {@code NOT_MEMBER}, {@code NOT_FOUND},
     * {@code PAYLOAD_TOO_LARGE}, {@code UNKNOWN_ACTION}), {@link IllegalArgumentException} for a
     * body the server would refuse, and {@link ClientClosedException} when the client is closed
     * first. There is no overall timeout: add one with {@code orTimeout} if the UI needs it
     * (cancelling the returned future does not stop the send). The message also reaches
     * {@link MessageListener#onMessage}, in its conversation's order.
     */
    public CompletableFuture<Sent> send(To to, JsonNode body) {
        return engine.send(to, body);
    }

    /** {@link #send} with a body holding only {@code text}. */
    public CompletableFuture<Sent> sendText(To to, String text) {
        return engine.send(to, Wire.textBody(text));
    }

    // ---------------------------------------------------------------- protocol v2: replies, edits, reactions, typing

    /** {@link #send} of a reply to the message at {@code replyTo} of the same conversation ({@code NOT_FOUND} otherwise). */
    public CompletableFuture<Sent> reply(To to, long replyTo, JsonNode body) {
        if (replyTo < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("replyTo must be a seq (>= 1)"));
        }
        return engine.send(to, body, null, replyTo);
    }

    /**
     * Replaces the body of the user's own message at {@code seq}: stored as an {@code edit} event with
     * a seq of its own (the future's), kept and retried as a send is. Fails with
     * {@link ServerErrorException} {@code FORBIDDEN} (another's message) or {@code NOT_FOUND}.
     */
    public CompletableFuture<Sent> edit(String conversationId, long seq, JsonNode body) {
        return engine.send(To.conversation(conversationId), body,
                new Message.Event(Message.Event.EDIT, seq, null, false), 0);
    }

    /** Deletes the message at {@code seq} (the user's own, or any in a group the user administers). */
    public CompletableFuture<Sent> delete(String conversationId, long seq) {
        return engine.send(To.conversation(conversationId), null,
                new Message.Event(Message.Event.DELETE, seq, null, false), 0);
    }

    /** Reacts with {@code emoji}; {@code CONFLICT} when the user already did. */
    public CompletableFuture<Sent> react(String conversationId, long seq, String emoji) {
        return engine.send(To.conversation(conversationId), null,
                new Message.Event(Message.Event.REACTION, seq, Objects.requireNonNull(emoji, "emoji"), false), 0);
    }

    /** Takes the user's {@code emoji} reaction back; {@code NOT_FOUND} when there is none. */
    public CompletableFuture<Sent> unreact(String conversationId, long seq, String emoji) {
        return engine.send(To.conversation(conversationId), null,
                new Message.Event(Message.Event.REACTION, seq, Objects.requireNonNull(emoji, "emoji"), true), 0);
    }

    /**
     * Tells the other members the user started or stopped typing. Best effort, never stored: call
     * it again every {@link Typing#REPEAT_START_MILLIS} while typing; others treat
     * {@link Typing#STOP_AFTER_MILLIS} without one as a stop.
     */
    public void typing(String conversationId, boolean typing) {
        engine.typing(Objects.requireNonNull(conversationId, "conversationId"), typing);
    }

    /**
     * A message as it stands now (edits, deletion and reactions applied in seq order), if the
     * client holds it: delivered to the listener, or from a {@link #history} page.
     */
    public java.util.Optional<MessageView> message(String conversationId, long seq) {
        return engine.view(conversationId, seq);
    }

    /**
     * A page of messages older than {@code beforeSeq} (exclusive; null for the newest), at most
     * {@code limit} (1..200), fewer only when the conversation's start was reached ({@code hasMore}
     * false): pages the server cut short by size are followed by requests for the older rest.
     * Waits for a connection, retries on timeouts and retryable errors;
     * cancel the future to give up. History pages do not go through
     * {@link MessageListener#onMessage}.
     */
    public CompletableFuture<HistoryPage> history(String conversationId, Long beforeSeq, int limit) {
        return engine.history(Objects.requireNonNull(conversationId, "conversationId"), beforeSeq, limit);
    }

    /**
     * Moves the user's read cursor to {@code seq} (the server never moves it backwards). Sent
     * now, or on the next connection; only the highest seq per conversation is kept meanwhile.
     */
    public void markRead(String conversationId, long seq) {
        engine.markRead(Objects.requireNonNull(conversationId, "conversationId"), seq);
    }

    // ---------------------------------------------------------------- the HTTP API (needs Builder.httpUrl)

    /**
     * Creates a group named {@code name} with {@code members}; the caller is added and becomes its
     * first member. Every member gets a {@code members} frame.
     */
    public CompletableFuture<Group> createGroup(String name, Collection<String> members) {
        return engine.http().createGroup(Objects.requireNonNull(name, "name"), List.copyOf(members));
    }

    /** Adds members to a group the caller is in; the future holds the group afterwards. */
    public CompletableFuture<Group> addMembers(String groupId, Collection<String> members) {
        return engine.http().addMembers(Objects.requireNonNull(groupId, "groupId"), List.copyOf(members));
    }

    /**
     * Removes {@code userId} from a group (admins may remove others; anyone may remove
     * themselves). Fails with {@link ServerErrorException} {@code FORBIDDEN} or {@code NOT_FOUND}.
     */
    public CompletableFuture<Void> removeMember(String groupId, String userId) {
        return engine.http().removeMember(Objects.requireNonNull(groupId, "groupId"), Objects.requireNonNull(userId, "userId"),
                null);
    }

    /**
     * Leaves a group: {@link #removeMember} of the client's own user (known once a token was
     * fetched). The group's last admin cannot leave while others remain ({@code FORBIDDEN}): use
     * {@link #leaveGroup(String, String)}.
     */
    public CompletableFuture<Void> leaveGroup(String groupId) {
        return leaveGroup(groupId, null);
    }

    /** Leaves a group, making {@code successor} (another member; null: nobody) admin first. Admins only when naming one. */
    public CompletableFuture<Void> leaveGroup(String groupId, String successor) {
        String self = engine.userId();
        if (self == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the user id is known after connect()"));
        }
        return engine.http().removeMember(Objects.requireNonNull(groupId, "groupId"), self, successor);
    }

    /** Renames a group (admins only); the future holds the group afterwards, and every member hears a {@link GroupChange}. */
    public CompletableFuture<Group> renameGroup(String groupId, String name) {
        return engine.http().renameGroup(Objects.requireNonNull(groupId, "groupId"), Objects.requireNonNull(name, "name"));
    }

    /** Makes a member an admin of the group (admins only; promoting an admin changes nothing). */
    public CompletableFuture<Void> promoteAdmin(String groupId, String userId) {
        return engine.http().promote(Objects.requireNonNull(groupId, "groupId"), Objects.requireNonNull(userId, "userId"));
    }

    /**
     * Takes an admin's role away (admins only, themselves included). The last admin cannot be
     * demoted: {@link ServerErrorException} {@code FORBIDDEN}.
     */
    public CompletableFuture<Void> demoteAdmin(String groupId, String userId) {
        return engine.http().demote(Objects.requireNonNull(groupId, "groupId"), Objects.requireNonNull(userId, "userId"));
    }

    /**
     * One page of a group's member list, in user id order (members only): {@code cursor} null for
     * the first page, then the previous page's {@link GroupMembersPage#cursor()}; {@code limit} 1-500.
     */
    public CompletableFuture<GroupMembersPage> groupMembers(String groupId, String cursor, int limit) {
        return engine.http().groupMembers(Objects.requireNonNull(groupId, "groupId"), cursor, limit);
    }

    /** How far the other members of a group have read, for "read by N" (groups of at most 100 members). */
    public CompletableFuture<GroupReads> groupReads(String groupId) {
        return engine.http().groupReads(Objects.requireNonNull(groupId, "groupId"));
    }

    /** The newest state of a group this client created, changed or heard a change of (empty: none heard yet). */
    public java.util.Optional<Group> group(String groupId) {
        return engine.group(Objects.requireNonNull(groupId, "groupId"));
    }

    /**
     * Blocks a user: their sends, edits and reactions in the direct conversation with them fail
     * with {@code BLOCKED} and store nothing, and they are not shown the user's presence. Idempotent.
     */
    public CompletableFuture<Void> block(String userId) {
        return engine.http().block(Objects.requireNonNull(userId, "userId"));
    }

    /** Lifts a block (idempotent). */
    public CompletableFuture<Void> unblock(String userId) {
        return engine.http().unblock(Objects.requireNonNull(userId, "userId"));
    }

    /** The users this user blocked. */
    public CompletableFuture<List<String>> blocked() {
        return engine.http().blocked();
    }

    /**
     * Mutes or unmutes a conversation for this user: a muted conversation sends no push
     * notification to the user's devices, except for a message that mentions them. The future
     * holds the setting now in force.
     */
    public CompletableFuture<Boolean> setMuted(String conversationId, boolean muted) {
        return engine.http().setMuted(Objects.requireNonNull(conversationId, "conversationId"), muted);
    }

    /** Every conversation of the user with unread counts, as {@code GET /conversations} answers. */
    public CompletableFuture<ConversationList> conversations() {
        return engine.http().conversations();
    }

    /** Whether each user is online, and when they were last active. */
    public CompletableFuture<List<Presence>> presence(Collection<String> userIds) {
        return engine.http().presence(List.copyOf(userIds));
    }

    /**
     * Registers a device of the user for push notifications: while it has no live connection it
     * gets a notification for each message that reaches the user.
     */
    public CompletableFuture<Void> registerDevice(String deviceId, Platform platform, String pushToken) {
        return engine.http().registerDevice(Objects.requireNonNull(deviceId, "deviceId"),
                Objects.requireNonNull(platform, "platform"), Objects.requireNonNull(pushToken, "pushToken"));
    }

    public CompletableFuture<Void> unregisterDevice(String deviceId) {
        return engine.http().unregisterDevice(Objects.requireNonNull(deviceId, "deviceId"));
    }

    public ConnectionState state() {
        return engine.state();
    }

    /** The user id (the token's {@code sub}), once a token was fetched; null before. */
    public String userId() {
        return engine.userId();
    }

    /** Sends not yet confirmed by the server. */
    public int pendingSends() {
        return engine.pendingSends();
    }

    /**
     * Flushes pending acks, closes the connection, and fails what is still pending with
     * {@link ClientClosedException}. Callbacks already queued still run; none after
     * {@link ConnectionState#CLOSED}.
     */
    @Override
    public void close() {
        engine.close();
    }

    /** Configuration. Only the websocket URL, token supplier and listener are required. */
    public static final class Builder {
        private String websocketUrl;
        private TokenSupplier tokens;
        private String deviceId;
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(30);
        private String httpUrl;
        private Backoff backoff = Backoff.defaults();
        private CursorStore cursorStore;
        private MessageListener listener;
        private Duration gapWait = Duration.ofSeconds(1);
        private Duration maxGapWait = Duration.ofSeconds(10);
        private int maxBuffered = 500;
        private int syncPageSize = 100;
        private Duration ackInterval = Duration.ofSeconds(1);
        private Duration resyncInterval = Duration.ofMinutes(2);
        private Duration tick = Duration.ofMillis(100);
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;

        private Builder() {}

        /** {@code wss://...} as the deploy printed it (or the local runtime's {@code ws://127.0.0.1:PORT}). */
        public Builder websocketUrl(String websocketUrl) {
            this.websocketUrl = websocketUrl;
            return this;
        }

        /**
         * The HTTP API's base, {@code https://...} as the deploy printed it (the local runtime's
         * {@code http://127.0.0.1:PORT/api}). Needed only by the HTTP methods (groups,
         * conversations, presence, devices).
         */
        public Builder httpUrl(String httpUrl) {
            this.httpUrl = httpUrl;
            return this;
        }

        /**
         * How long {@link ParleyClient#connect()} waits for a connection that is open and caught up
         * before it fails with {@link ConnectFailedException}. Default 30 s; {@link Duration#ZERO}
         * waits for ever.
         */
        public Builder connectTimeout(Duration connectTimeout) {
            if (connectTimeout == null || connectTimeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be zero (no limit) or positive");
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder tokenSupplier(TokenSupplier tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Sent as the {@code deviceId} query parameter; default: the token's device claim, else the connection id. */
        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /** Default 30 s. API Gateway closes connections idle for 10 minutes. */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        /** How long a request waits for its answer before it is sent again. Default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** Default {@link Backoff#defaults()}: 1 s, 2 s, 4 s ... 30 s, full jitter. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Default: a new {@link InMemoryCursorStore} (a new device on every start). */
        public Builder cursorStore(CursorStore cursorStore) {
            this.cursorStore = Objects.requireNonNull(cursorStore, "cursorStore");
            return this;
        }

        public Builder listener(MessageListener listener) {
            this.listener = listener;
            return this;
        }

        /** How long a missing seq is waited for before the client fetches its conversation. Default 1 s. */
        public Builder gapWait(Duration gapWait) {
            this.gapWait = positive(gapWait, "gapWait");
            return this;
        }

        /** The longest wait between fetches for a seq that stays missing (the wait doubles). Default 10 s. */
        public Builder maxGapWait(Duration maxGapWait) {
            this.maxGapWait = positive(maxGapWait, "maxGapWait");
            return this;
        }

        /** Pushes buffered ahead of a missing seq that fetch the conversation at once. Default 500. */
        public Builder maxBuffered(int maxBuffered) {
            this.maxBuffered = maxBuffered;
            return this;
        }

        /** Messages per conversation in a sync reply after a (re)connect, and per page fetched, 1..200. Default 100. */
        public Builder syncPageSize(int syncPageSize) {
            if (syncPageSize < 1 || syncPageSize > 200) {
                throw new IllegalArgumentException("syncPageSize must be 1..200");
            }
            this.syncPageSize = syncPageSize;
            return this;
        }

        /** Acks per conversation go out at most this often. Default 1 s. */
        public Builder ackInterval(Duration ackInterval) {
            this.ackInterval = Objects.requireNonNull(ackInterval, "ackInterval");
            return this;
        }

        /**
         * While connected, sync at least this often even when nothing looks missing. Default 2
         * minutes; {@link Duration#ZERO} turns it off. Gap detection only notices a lost push
         * when a later message arrives; a push lost for good (a fan-out record that exhausted
         * its retries) of the last message of a quiet conversation would otherwise wait for the
         * next reconnect.
         */
        public Builder resyncInterval(Duration resyncInterval) {
            if (resyncInterval == null || resyncInterval.isNegative()) {
                throw new IllegalArgumentException("resyncInterval must be zero (off) or positive");
            }
            this.resyncInterval = resyncInterval;
            return this;
        }

        /** The clock timeouts, waits and the backoff reset read. Default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The HTTP client the WebSocket is opened with (proxies, TLS settings). Default: a new one. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        public ParleyClient build() {
            Objects.requireNonNull(websocketUrl, "websocketUrl");
            Objects.requireNonNull(tokens, "tokenSupplier");
            Objects.requireNonNull(listener, "listener");
            return new ParleyClient(new ClientConfig(websocketUrl, tokens, deviceId, heartbeatInterval, requestTimeout,
                    connectTimeout, httpUrl,
                    backoff, cursorStore != null ? cursorStore : new InMemoryCursorStore(), listener, gapWait, maxGapWait,
                    maxBuffered, syncPageSize, ackInterval, resyncInterval, tick, clock, httpClient));
        }

        private static Duration positive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return duration;
        }
    }
}
