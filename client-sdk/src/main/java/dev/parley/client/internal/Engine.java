package dev.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ClientClosedException;
import dev.parley.client.ConnectionState;
import dev.parley.client.ErrorCode;
import dev.parley.client.GroupChange;
import dev.parley.client.HistoryPage;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.Presence;
import dev.parley.client.ProtocolError;
import dev.parley.client.ReadReceipt;
import dev.parley.client.Sent;
import dev.parley.client.ServerErrorException;
import dev.parley.client.To;
import dev.parley.client.Typing;
import dev.parley.model.protocol.ClientCodec;
import dev.parley.model.protocol.ServerFrame;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The client behind {@code ParleyClient}: takes the application's calls onto the {@link Loop}
 * thread and routes each frame the server sends to the part that handles it. The parts:
 * {@link Connection} (lifecycle, heartbeats, reconnects), {@link SyncRounds} (catching up with one
 * position per device), {@link ConversationFetches} (what one conversation lacks),
 * {@link HistoryRequests}, {@link Receipts} (reads and acks), and the
 * pure ones, {@link Sequencer} (exactly-once, in-order delivery) and {@link Outbox} (pending
 * sends). Frames are decoded by the shared {@link ClientCodec}.
 */
public final class Engine {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");

    private final ClientConfig config;
    private final MessageListener listener;
    private final MessageStates states;
    private final Loop loop;
    private final long timeout;
    private final Connection connection;
    private final Sequencer sequencer;
    private final Outbox outbox;
    private final Receipts receipts;
    private final Delivery delivery;
    private final HistoryRequests history;
    private final SyncRounds sync;
    private final ConversationFetches fetches;
    private final HttpApi httpApi;
    private final Groups groups = new Groups();

    public Engine(ClientConfig config) {
        this(config, config.httpClient() != null ? config.httpClient() : HttpClient.newHttpClient());
    }

    private Engine(ClientConfig config, HttpClient http) {
        this(config, new JdkTransport(http), http);
    }

    /** With a transport of the caller's: tests hand the engine crafted frames through one. */
    public Engine(ClientConfig config, Transport transport) {
        this(config, transport, HttpClient.newHttpClient());
    }

    private Engine(ClientConfig config, Transport transport, HttpClient http) {
        this.config = config;
        this.listener = config.listener();
        this.loop = new Loop(config.clock());
        this.timeout = config.requestTimeout().toMillis();
        this.connection = new Connection(config, loop, transport);
        this.sequencer = new Sequencer(config.cursorStore().load(), config.gapWait(), config.maxGapWait(),
                config.maxBuffered());
        this.outbox = new Outbox(config.requestTimeout());
        this.receipts = new Receipts(connection, config.ackInterval().toMillis());
        this.states = new MessageStates(connection::userId);
        this.delivery = new Delivery(loop, listener, config.cursorStore(), receipts, states);
        this.history = new HistoryRequests(connection, timeout);
        this.httpApi = new HttpApi(config.httpUrl(), config.tokens(), http, config.requestTimeout(), loop.tokenThread(), groups);
        this.fetches = new ConversationFetches(loop, history, sequencer, delivery, config.syncPageSize());
        this.sync = new SyncRounds(config, connection, loop, sequencer, delivery, fetches);
        fetches.callbacks(() -> pump(loop.now()), sync::fetchesEnded);
        if (!sync.since().isEmpty()) {
            sequencer.initialSyncDone(0); // the device held a position: conversations new to it start at seq 0
        }
        connection.events(new Connection.Events() {
            @Override
            public void opened(long now) {
                sync.connectionOpened();
                pump(now);
            }

            @Override
            public void lost() {
                outbox.connectionLost();
                history.connectionLost();
                sync.connectionLost();
            }

            @Override
            public void frame(String text, long now) {
                onFrame(text, now);
            }
        });
    }

    // ---------------------------------------------------------------- the application's calls

    public CompletableFuture<Void> connect() {
        loop.execute(() -> connection.start(this::tick));
        return connection.firstConnected().copy();
    }

    public void reconnect() {
        loop.execute(() -> connection.reconnect(this::tick));
    }

    public CompletableFuture<Sent> send(To to, JsonNode body) {
        return send(to, body, null, 0);
    }

    /**
     * A send (with {@code replyTo} > 0 a reply) or, with {@code event}, an edit, delete or react of
     * the conversation {@code to} names: all idempotent by clientMsgId, kept until confirmed.
     */
    public CompletableFuture<Sent> send(To to, JsonNode body, Message.Event event, long replyTo) {
        if (event != null && !Message.Event.EDIT.equals(event.kind())) {
            return enqueue(new Outbox.Pending(newClientMsgId(), to, null, new CompletableFuture<>(), event, replyTo));
        }
        if (body == null || !body.isObject() || body.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the body must be a non-empty JSON object"));
        }
        if (body.has("text") && !body.get("text").isTextual()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("body.text must be a string"));
        }
        int depth = Wire.depth(body);
        if (depth > Wire.MAX_BODY_DEPTH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "the body nests " + depth + " levels deep; at most " + Wire.MAX_BODY_DEPTH + " are allowed"));
        }
        int bytes = Wire.bodyBytes(body);
        if (bytes > Wire.MAX_BODY_BYTES) {
            // The gateway may not even read a requestId out of a frame this large, so the server's
            // answer could never be matched: refuse here.
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "the body is " + bytes + " bytes serialized; at most " + Wire.MAX_BODY_BYTES + " are allowed"));
        }
        return enqueue(new Outbox.Pending(newClientMsgId(), to, body.deepCopy(), new CompletableFuture<>(), event, replyTo));
    }

    private CompletableFuture<Sent> enqueue(Outbox.Pending pending) {
        CompletableFuture<Sent> future = pending.future();
        if (!loop.execute(() -> {
            if (connection.closed()) {
                future.completeExceptionally(new ClientClosedException("the client is closed"));
                return;
            }
            outbox.add(pending);
            pump(loop.now());
        })) {
            future.completeExceptionally(new ClientClosedException("the client is closed"));
        }
        // The application may cancel its copy; the send itself goes on until confirmed.
        return future.copy();
    }

    public CompletableFuture<HistoryPage> history(String conversationId, Long beforeSeq, int limit) {
        if (limit < 1 || limit > 200) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be 1..200"));
        }
        CompletableFuture<HistoryPage> future = new CompletableFuture<>();
        future.thenAccept(page -> states.absorb(page.messages()));
        if (!loop.execute(() -> {
            history.request(conversationId, beforeSeq, limit, future);
            pump(loop.now());
        })) {
            future.completeExceptionally(new ClientClosedException("the client is closed"));
        }
        return future;
    }

    /** The message's current state, if the client holds it (delivered, or from a history page). */
    public java.util.Optional<dev.parley.client.MessageView> view(String conversationId, long seq) {
        return states.view(conversationId, seq);
    }

    /** Best effort: written now if connected, else dropped (a typing signal is stale by the next connection). */
    public void typing(String conversationId, boolean start) {
        loop.execute(() -> {
            if (connection.open()) {
                connection.write(Wire.typing(conversationId, start));
            }
        });
    }

    public void markRead(String conversationId, long seq) {
        loop.execute(() -> {
            receipts.markRead(conversationId, seq);
            pump(loop.now());
        });
    }

    /** The newest state heard of a group (HTTP answers, {@code members} frames). */
    public java.util.Optional<dev.parley.client.Group> group(String conversationId) {
        return groups.get(conversationId);
    }

    /** The HTTP API, with this client's token supplier. */
    public HttpApi http() {
        return httpApi;
    }

    public ConnectionState state() {
        return connection.state();
    }

    /** The {@code sub} of the latest token, or null before the first connection attempt. */
    public String userId() {
        return connection.userId();
    }

    /** Sends not yet confirmed by the server. */
    public int pendingSends() {
        return loop.call(outbox::size, 0, timeout);
    }

    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!loop.execute(() -> {
            try {
                shutDown();
            } finally {
                done.complete(null);
            }
        })) {
            return;
        }
        try {
            done.get(timeout, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing the client took too long", e);
        }
        // Let the callbacks already queued (the CLOSED state last) reach the application.
        loop.shutDown(timeout);
    }

    // ---------------------------------------------------------------- the loop

    private void shutDown() {
        if (connection.closed()) {
            return;
        }
        if (connection.open()) {
            receipts.flushAcks(loop.now());
        }
        ClientClosedException closedException = new ClientClosedException("the client was closed");
        for (Outbox.Pending pending : outbox.drain()) {
            pending.future().completeExceptionally(new ClientClosedException(
                    "the client was closed before the server confirmed send " + pending.clientMsgId()
                            + "; it may have been stored"));
        }
        history.closeAll(closedException);
        connection.close(closedException);
    }

    private void tick() {
        long now = loop.now();
        if (connection.tick(now)) {
            sync.tick(now);
            pump(now);
        }
    }

    /** Writes whatever is due: sync, sends, history requests, reads, acks. */
    private void pump(long now) {
        if (!connection.open()) {
            return;
        }
        sync.pump(now);
        fetches.pump(now);
        for (Outbox.Pending pending : outbox.due(now)) {
            connection.write(Wire.event(pending.requestId(), pending.clientMsgId(), pending.to(), pending.body(),
                    pending.event(), pending.replyTo()));
        }
        history.pump(now);
        receipts.pump(now);
    }

    private void onFrame(String text, long now) {
        ClientCodec.Reading reading = ClientCodec.read(text);
        if (reading instanceof ClientCodec.Frame known) {
            onFrame(known.frame(), now);
        } else if (reading instanceof ClientCodec.ErrorReply error) {
            onError(error, now);
        } else if (reading instanceof ClientCodec.Unreadable unreadable) {
            onUnreadable(unreadable, text, now);
        } else {
            // A type of a newer protocol version, or the gateway's own error frame: not ours to use.
            LOG.log(System.Logger.Level.DEBUG, "ignored frame: {0}", text);
        }
    }

    /**
     * A frame that cannot be used is reported and skipped, never retried into a stall: a push
     * skipped is a missing seq that the gap timer fetches; a history page skipped fails its
     * request; a sync reply skipped ends the round (see {@link SyncRounds#onUnreadable}).
     */
    private void onUnreadable(ClientCodec.Unreadable unreadable, String text, long now) {
        ProtocolError error = ProtocolError.of(unreadable.type(), unreadable.requestId(), unreadable.reason(), text);
        LOG.log(System.Logger.Level.WARNING, "skipped an unreadable {0} frame: {1}",
                unreadable.type() == null ? "" : unreadable.type(), unreadable.reason());
        loop.callback(() -> listener.onProtocolError(error));
        String requestId = unreadable.requestId();
        if (requestId != null && (sync.onUnreadable(requestId, now) || history.onUnreadable(requestId, error))) {
            pump(now);
        }
    }

    private void onFrame(ServerFrame frame, long now) {
        if (frame instanceof ServerFrame.Sent sent) {
            Outbox.Pending pending = outbox.confirmed(sent.clientMsgId());
            if (pending != null) {
                pending.future().complete(new Sent(sent.conversationId(), sent.clientMsgId(), sent.seq(), sent.sentAt()));
                // The sending connection gets no push of its own message: deliver it from here.
                delivery.deliver(sequencer.offer(new Message(sent.conversationId(), sent.seq(), connection.userId(),
                        sent.clientMsgId(), pending.body(), sent.sentAt(), pending.replyTo(), pending.event(), null), now));
            }
            pump(now);
        } else if (frame instanceof ServerFrame.MessagePush push) {
            delivery.deliver(sequencer.offer(Wire.message(push.message()), now));
        } else if (frame instanceof ServerFrame.GapPush push) {
            delivery.deliver(sequencer.gap(push.gap().conversationId(), push.gap().seq(), now));
        } else if (frame instanceof ServerFrame.SyncedChanges synced) {
            sync.onSynced(synced, now);
            pump(now);
        } else if (frame instanceof ServerFrame.HistoryPage page) {
            history.onPage(page);
            pump(now);
        } else if (frame instanceof ServerFrame.ReadPush read) {
            ReadReceipt receipt = new ReadReceipt(read.conversationId(), read.userId(), read.seq());
            loop.callback(() -> listener.onRead(receipt));
        } else if (frame instanceof ServerFrame.TypingPush typing) {
            Typing signal = new Typing(typing.conversationId(), typing.userId(), typing.start());
            loop.callback(() -> listener.onTyping(signal));
        } else if (frame instanceof ServerFrame.Presence presence) {
            Presence change = new Presence(presence.userId(), presence.online(), presence.lastActiveAt());
            loop.callback(() -> listener.onPresence(change));
        } else if (frame instanceof ServerFrame.Members members) {
            GroupChange change = groups.apply(members, connection.userId());
            loop.callback(() -> listener.onGroupChanged(change));
        }
        // Pong: only liveness, which any frame shows.
    }

    private void onError(ClientCodec.ErrorReply error, long now) {
        ErrorCode code = ErrorCode.of(error.code());
        String requestId = error.requestId();
        if (requestId == null) {
            LOG.log(System.Logger.Level.WARNING, "server error without requestId: {0} {1}", error.code(), error.message());
            return;
        }
        Outbox.ErrorOutcome outcome = outbox.failed(requestId, code, error.retryAfterMs(), now);
        if (outcome.pending() != null) {
            if (outcome.verdict() == Outbox.Verdict.FAIL) {
                outcome.pending().future().completeExceptionally(new ServerErrorException(error.code(), error.message()));
            }
        } else if (!sync.onError(requestId, code, error.code(), error.message(), error.retryAfterMs(), now)
                && !history.onError(requestId, code, error.code(), error.message(), error.retryAfterMs(), now)) {
            LOG.log(System.Logger.Level.WARNING, "server refused {0}: {1} {2}", requestId, error.code(), error.message());
            return;
        }
        pump(now);
    }

    /** 22 characters of base64url (the protocol allows [A-Za-z0-9_-], up to 64). */
    static String newClientMsgId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
