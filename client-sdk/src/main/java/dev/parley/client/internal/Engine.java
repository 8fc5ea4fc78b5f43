package dev.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.AuthFailedException;
import dev.parley.client.Backoff;
import dev.parley.client.ClientClosedException;
import dev.parley.client.ConnectionState;
import dev.parley.client.ConversationSummary;
import dev.parley.client.ErrorCode;
import dev.parley.client.HistoryPage;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.Sent;
import dev.parley.client.ServerErrorException;
import dev.parley.client.To;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's state machine. Every field below the executors is confined to the {@code loop}
 * thread: public methods and socket callbacks only enqueue work there, so nothing is locked.
 * Application callbacks run on a second thread ({@code callbacks}), in order, so a slow
 * application never stalls the connection; tokens are fetched on a third, since a supplier may
 * block.
 */
public final class Engine {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ClientConfig config;
    private final MessageListener listener;
    private final ScheduledExecutorService loop;
    private final ExecutorService callbacks;
    private final ExecutorService tokenThread;
    private final HttpClient http;
    private final long timeout;
    private final Sequencer sequencer;
    private final Outbox outbox;
    private final Backoff.Sequence backoff;
    private final CompletableFuture<Void> firstConnected = new CompletableFuture<>();
    private volatile Thread callbackThread;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile String selfUserId;

    private boolean started;
    private boolean closed;
    private int generation;
    private int lostGeneration = -1;
    private WebSocket socket;
    private CompletableFuture<WebSocket> outgoing;
    private long attemptStartedAt;
    private int authRefusals;
    private ScheduledFuture<?> reconnectTask;
    private long requestCounter;

    private long lastHeartbeatAt;
    private boolean pongAwaited;
    private long pongDeadline;

    private SyncCall syncCall;
    private final Map<String, SyncCall> syncCalls = new HashMap<>();
    private boolean syncWanted;
    private long syncNotBefore;
    private long lastSyncAt;
    private boolean probing;

    private final Set<HistoryCall> histories = new LinkedHashSet<>();
    private final Map<String, HistoryCall> historyByRequest = new HashMap<>();

    private final Map<String, Long> readsToSend = new LinkedHashMap<>();
    private final Map<String, Long> acksDue = new LinkedHashMap<>();
    private long lastAckFlush;

    private record SyncCall(String requestId, Map<String, Long> cursors, boolean emptyCursors, long sentAt) {}

    private static final class HistoryCall {
        final String conversationId;
        final Long beforeSeq;
        final int limit;
        final CompletableFuture<HistoryPage> future;
        String requestId;
        long transmittedAt = -1;
        long notBefore;
        int attempts;

        HistoryCall(String conversationId, Long beforeSeq, int limit, CompletableFuture<HistoryPage> future) {
            this.conversationId = conversationId;
            this.beforeSeq = beforeSeq;
            this.limit = limit;
            this.future = future;
        }
    }

    public Engine(ClientConfig config) {
        this.config = config;
        this.listener = config.listener();
        int instance = INSTANCES.incrementAndGet();
        this.loop = Executors.newSingleThreadScheduledExecutor(daemon("parley-client-" + instance));
        this.callbacks = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = daemon("parley-client-" + instance + "-listener").newThread(runnable);
            callbackThread = thread;
            return thread;
        });
        this.tokenThread = Executors.newSingleThreadExecutor(daemon("parley-client-" + instance + "-token"));
        this.http = config.httpClient() != null ? config.httpClient() : HttpClient.newHttpClient();
        this.timeout = config.requestTimeout().toMillis();
        this.sequencer = new Sequencer(config.cursorStore().load(), config.gapWait(), config.maxGapWait(),
                config.maxBuffered());
        this.outbox = new Outbox(config.requestTimeout());
        this.backoff = config.backoff().start(config.clock());
    }

    // ---------------------------------------------------------------- the application's calls

    public CompletableFuture<Void> connect() {
        onLoop(() -> {
            if (!started && !closed) {
                started = true;
                long tick = config.tick().toMillis();
                loop.scheduleWithFixedDelay(guarded(this::tick), tick, tick, TimeUnit.MILLISECONDS);
                open();
            }
        });
        return firstConnected.copy();
    }

    public void reconnect() {
        onLoop(() -> {
            if (closed) {
                return;
            }
            if (!started) {
                connect();
            } else if (socket == null && state != ConnectionState.CONNECTING) {
                authRefusals = 0;
                open();
            }
        });
    }

    public CompletableFuture<Sent> send(To to, JsonNode body) {
        if (body == null || !body.isObject() || body.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the body must be a non-empty JSON object"));
        }
        if (body.has("text") && !body.get("text").isTextual()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("body.text must be a string"));
        }
        int bytes = Frames.bodyBytes(body);
        if (bytes > Frames.MAX_BODY_BYTES) {
            // The gateway may not even read a requestId out of a frame this large, so the server's
            // answer could never be matched: refuse here.
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "the body is " + bytes + " bytes serialized; at most " + Frames.MAX_BODY_BYTES + " are allowed"));
        }
        CompletableFuture<Sent> future = new CompletableFuture<>();
        Outbox.Pending pending = new Outbox.Pending(newClientMsgId(), to, body.deepCopy(), future);
        if (!onLoop(() -> {
            if (closed) {
                future.completeExceptionally(new ClientClosedException("the client is closed"));
                return;
            }
            outbox.add(pending);
            pump(now());
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
        if (!onLoop(() -> queueHistory(new HistoryCall(conversationId, beforeSeq, limit, future)))) {
            future.completeExceptionally(new ClientClosedException("the client is closed"));
        }
        return future;
    }

    public void markRead(String conversationId, long seq) {
        onLoop(() -> {
            readsToSend.merge(conversationId, seq, Math::max);
            pump(now());
        });
    }

    public ConnectionState state() {
        return state;
    }

    /** The {@code sub} of the latest token, or null before the first connection attempt. */
    public String userId() {
        return selfUserId;
    }

    /** Sends not yet confirmed by the server. */
    public int pendingSends() {
        return callOnLoop(outbox::size, 0);
    }

    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!onLoop(() -> {
            try {
                shutDown();
            } finally {
                done.complete(null);
            }
        })) {
            return;
        }
        try {
            done.get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing the client took too long", e);
        }
        loop.shutdown();
        callbacks.shutdown();
        tokenThread.shutdownNow();
        if (Thread.currentThread() != callbackThread) {
            try {
                // Let the callbacks already queued (the CLOSED state last) reach the application.
                callbacks.awaitTermination(timeout, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- connection lifecycle

    private void open() {
        cancelReconnect();
        int gen = ++generation;
        attemptStartedAt = now();
        setState(ConnectionState.CONNECTING);
        CompletableFuture.supplyAsync(() -> {
                    try {
                        return config.tokens().token();
                    } catch (Exception e) {
                        throw new CompletionException("the token supplier failed", e);
                    }
                }, tokenThread)
                .thenCompose(token -> {
                    selfUserId = Frames.subject(token);
                    return http.newWebSocketBuilder()
                            .connectTimeout(config.requestTimeout())
                            .buildAsync(connectUri(config.websocketUrl(), token, config.deviceId()), new SocketListener(gen));
                })
                .whenComplete((ws, error) -> {
                    if (!onLoop(() -> opened(gen, ws, error)) && ws != null) {
                        ws.abort();
                    }
                });
    }

    private void opened(int gen, WebSocket ws, Throwable error) {
        if (gen != generation || closed || (ws != null && gen == lostGeneration)) {
            if (ws != null) {
                ws.abort();
            }
            if (gen == generation && !closed) {
                disconnected("the connection closed while opening");
            }
            return;
        }
        if (error != null) {
            int status = handshakeStatus(error);
            if (status == 401 || status == 403) {
                authRefusals++;
                if (authRefusals >= 2) {
                    LOG.log(System.Logger.Level.WARNING, "handshake refused with HTTP {0} twice; not retrying", status);
                    setState(ConnectionState.AUTH_FAILED);
                    callback(() -> listener.onAuthFailed(status));
                    // After the listener heard it, so that connect()'s caller sees the callback's effects.
                    callback(() -> firstConnected.completeExceptionally(new AuthFailedException(status)));
                    return;
                }
                LOG.log(System.Logger.Level.INFO, "handshake refused with HTTP {0}; retrying once with a fresh token", status);
                open();
                return;
            }
            disconnected(status > 0 ? "handshake refused with HTTP " + status : "could not connect: " + rootMessage(error));
            return;
        }
        socket = ws;
        outgoing = CompletableFuture.completedFuture(ws);
        authRefusals = 0;
        backoff.connected();
        setState(ConnectionState.SYNCING);
        long now = now();
        lastHeartbeatAt = now;
        pongAwaited = false;
        syncWanted = true;
        syncNotBefore = 0;
        pump(now);
    }

    /** The live connection of {@code gen} is gone (closed, failed, or silent). */
    private void lost(int gen, String reason) {
        if (gen != generation) {
            return;
        }
        if (socket == null) {
            // Closed before the open was processed: opened() will see it.
            lostGeneration = gen;
            return;
        }
        socket.abort();
        socket = null;
        generation++;
        outbox.connectionLost();
        histories.forEach(call -> call.transmittedAt = -1);
        syncCall = null;
        syncCalls.clear();
        probing = false;
        pongAwaited = false;
        if (!closed) {
            disconnected("connection lost: " + reason);
        }
    }

    private void disconnected(String reason) {
        LOG.log(System.Logger.Level.INFO, "{0}", reason);
        setState(ConnectionState.DISCONNECTED);
        Duration delay = backoff.next();
        int gen = generation;
        reconnectTask = loop.schedule(guarded(() -> {
            if (gen == generation && !closed && socket == null) {
                open();
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelReconnect() {
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
    }

    private void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        cancelReconnect();
        if (socket != null) {
            flushAcks(now());
        }
        ClientClosedException closedException = new ClientClosedException("the client was closed");
        for (Outbox.Pending pending : outbox.drain()) {
            pending.future().completeExceptionally(new ClientClosedException(
                    "the client was closed before the server confirmed send " + pending.clientMsgId()
                            + "; it may have been stored"));
        }
        histories.forEach(call -> call.future.completeExceptionally(closedException));
        histories.clear();
        firstConnected.completeExceptionally(closedException);
        if (socket != null) {
            WebSocket ws = socket;
            socket = null;
            generation++;
            outgoing.thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
                    .orTimeout(1, TimeUnit.SECONDS)
                    .whenComplete((x, e) -> ws.abort());
        }
        setState(ConnectionState.CLOSED);
    }

    // ---------------------------------------------------------------- timers

    private void tick() {
        if (closed) {
            return;
        }
        long now = now();
        if (state == ConnectionState.CONNECTING && socket == null && now - attemptStartedAt > 3 * timeout) {
            generation++; // a late open of the abandoned attempt is aborted in opened()
            disconnected("no handshake answer within " + 3 * timeout + " ms");
            return;
        }
        if (socket == null) {
            return;
        }
        if (pongAwaited && now >= pongDeadline) {
            lost(generation, "no frame within " + timeout + " ms of a heartbeat");
            return;
        }
        if (now - lastHeartbeatAt >= config.heartbeatInterval().toMillis()) {
            write(Frames.heartbeat(nextId("hb")));
            lastHeartbeatAt = now;
            if (!pongAwaited) {
                pongAwaited = true;
                pongDeadline = now + timeout;
            }
        }
        long resync = config.resyncInterval().toMillis();
        if (resync > 0 && syncCall == null && now - lastSyncAt >= resync) {
            syncWanted = true;
        }
        if (syncCall != null && now - syncCall.sentAt() >= timeout) {
            LOG.log(System.Logger.Level.DEBUG, "sync {0} unanswered; asking again", syncCall.requestId());
            syncCall = null; // a late answer is still applied (syncCalls keeps it)
            syncWanted = true;
        }
        pump(now);
    }

    /** Writes whatever is due: sync, sends, history requests, reads, acks. */
    private void pump(long now) {
        if (socket == null) {
            return;
        }
        maybeStartSync(now);
        for (Outbox.Pending pending : outbox.due(now)) {
            write(Frames.send(pending.requestId(), pending.clientMsgId(), pending.to(), pending.body()));
        }
        for (HistoryCall call : new ArrayList<>(histories)) {
            if (call.future.isDone()) {
                forget(call);
            } else if ((call.transmittedAt < 0 || now - call.transmittedAt >= timeout) && now >= call.notBefore) {
                call.attempts++;
                call.requestId = nextId("h");
                call.transmittedAt = now;
                historyByRequest.put(call.requestId, call);
                write(Frames.history(call.requestId, call.conversationId, call.beforeSeq, call.limit));
            }
        }
        if (!readsToSend.isEmpty()) {
            readsToSend.forEach((id, seq) -> write(Frames.read(nextId("r"), id, seq)));
            readsToSend.clear();
        }
        if (now - lastAckFlush >= config.ackInterval().toMillis()) {
            flushAcks(now);
        }
    }

    private void flushAcks(long now) {
        if (acksDue.isEmpty()) {
            return;
        }
        acksDue.forEach((id, seq) -> write(Frames.ack(nextId("a"), id, seq)));
        acksDue.clear();
        lastAckFlush = now;
    }

    // ---------------------------------------------------------------- sync

    private void maybeStartSync(long now) {
        if (socket == null || syncCall != null || probing || now < syncNotBefore) {
            return;
        }
        Set<String> due = sequencer.dueForSync(now);
        if (!syncWanted && due.isEmpty()) {
            return;
        }
        sequencer.syncStarted(due, now);
        syncWanted = false;
        Map<String, Long> cursors = sequencer.syncCursors();
        SyncCall call = new SyncCall(nextId("sync"), Map.copyOf(cursors), cursors.isEmpty(), now);
        syncCall = call;
        lastSyncAt = now;
        syncCalls.put(call.requestId(), call);
        write(Frames.sync(call.requestId(), cursors, config.syncPageSize()));
    }

    private void onSynced(Frames.SyncedFrame frame, long now) {
        SyncCall call = syncCalls.remove(frame.requestId());
        if (call == null) {
            return;
        }
        if (call == syncCall) {
            syncCall = null;
        }
        boolean more = false;
        List<ConversationSummary> summaries = new ArrayList<>();
        for (Frames.SyncedConversation conversation : frame.conversations()) {
            String id = conversation.summary().conversationId();
            summaries.add(conversation.summary());
            boolean known = sequencer.cursor(id).isPresent();
            // Not in the request's cursors: the server answered from the start, i.e. from cursor 0.
            Long from = call.emptyCursors() ? null : call.cursors().getOrDefault(id, 0L);
            // docs/protocol.md: a forward page without more covers up to lastSeq (trailing gaps).
            long coveredUpTo = call.emptyCursors() || conversation.hasMore() ? 0 : conversation.summary().lastSeq();
            Progress progress = sequencer.page(id, from, conversation.messages(), coveredUpTo, now);
            deliver(progress);
            if (call.emptyCursors()) {
                // The newest page may stop short of lastSeq (a send in flight): one round from the cursors.
                more |= sequencer.cursor(id).orElse(0) < conversation.summary().lastSeq();
            } else if (conversation.hasMore()) {
                if (progress.advanced() || !known) {
                    more = true;
                } else {
                    sequencer.stalled(id, now); // a young hole: retried on the gap timer, not at once
                }
            } else {
                sequencer.settled(id);
            }
        }
        if (!call.emptyCursors()) {
            // docs/protocol.md: a cursor of a conversation the user is no longer a member of is left
            // out of the reply. Stop asking for it (its cursor is kept, see Sequencer#exclude).
            Set<String> answered = new HashSet<>();
            frame.conversations().forEach(c -> answered.add(c.summary().conversationId()));
            call.cursors().keySet().stream().filter(id -> !answered.contains(id)).forEach(sequencer::exclude);
        }
        if (!sequencer.initialized()) {
            sequencer.initialSyncDone(now).forEach(this::deliver);
        }
        if (more) {
            syncWanted = true;
        } else if (syncCall == null) {
            long total = frame.totalUnread();
            callback(() -> listener.onConversations(List.copyOf(summaries), total));
            if (state == ConnectionState.SYNCING) {
                setState(ConnectionState.CONNECTED);
            }
        }
        pump(now);
    }

    private void syncFailed(SyncCall call, ErrorCode code, Frames.ErrorFrame error, long now) {
        if (call == syncCall) {
            syncCall = null;
        }
        syncWanted = true;
        switch (code) {
            case RATE_LIMITED -> syncNotBefore = now + Math.max(100, error.retryAfterMs());
            case NOT_MEMBER, NOT_FOUND -> probeMemberships(call.cursors().keySet());
            default -> {
                LOG.log(System.Logger.Level.WARNING, "sync refused: {0} {1}", error.code(), error.message());
                syncNotBefore = now + Math.min(timeout, 1_000);
            }
        }
        pump(now);
    }

    /**
     * A sync named a conversation the user is no longer a member of, and the server refuses the
     * whole request without saying which: ask each conversation's newest message, and leave out
     * of later syncs the ones refused.
     */
    private void probeMemberships(Set<String> conversationIds) {
        probing = true;
        List<CompletableFuture<?>> probes = new ArrayList<>();
        for (String id : conversationIds) {
            CompletableFuture<HistoryPage> probe = new CompletableFuture<>();
            queueHistory(new HistoryCall(id, null, 1, probe));
            probes.add(probe.handle((page, error) -> {
                if (error instanceof ServerErrorException refused
                        && (refused.code() == ErrorCode.NOT_MEMBER || refused.code() == ErrorCode.NOT_FOUND)) {
                    onLoop(() -> {
                        LOG.log(System.Logger.Level.INFO, "no longer a member of {0}", id);
                        sequencer.exclude(id);
                    });
                }
                return null;
            }));
        }
        CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> onLoop(() -> {
            probing = false;
            syncWanted = true;
            pump(now());
        }));
    }

    // ---------------------------------------------------------------- history

    private void queueHistory(HistoryCall call) {
        if (closed) {
            call.future.completeExceptionally(new ClientClosedException("the client is closed"));
            return;
        }
        histories.add(call);
        pump(now());
    }

    private void forget(HistoryCall call) {
        histories.remove(call);
        historyByRequest.values().removeIf(c -> c == call);
    }

    // ---------------------------------------------------------------- frames

    private void onFrame(int gen, String text) {
        if (gen != generation || closed) {
            return;
        }
        long now = now();
        pongAwaited = false; // any frame shows the connection is alive
        Frames.Incoming frame = Frames.decode(text);
        if (frame instanceof Frames.SentFrame sent) {
            Outbox.Pending pending = outbox.confirmed(sent.clientMsgId());
            if (pending != null) {
                pending.future().complete(new Sent(sent.conversationId(), sent.clientMsgId(), sent.seq(), sent.sentAt()));
                // The sending connection gets no push of its own message: deliver it from here.
                deliver(sequencer.offer(new Message(sent.conversationId(), sent.seq(), selfUserId, sent.clientMsgId(),
                        pending.body(), sent.sentAt()), now));
            }
            pump(now);
        } else if (frame instanceof Frames.MessageFrame message) {
            deliver(sequencer.offer(message.message(), now));
        } else if (frame instanceof Frames.GapFrame gap) {
            deliver(sequencer.gap(gap.conversationId(), gap.seq(), now));
        } else if (frame instanceof Frames.SyncedFrame synced) {
            onSynced(synced, now);
        } else if (frame instanceof Frames.HistoryFrame page) {
            HistoryCall call = historyByRequest.get(page.requestId());
            if (call != null) {
                forget(call);
                call.future.complete(new HistoryPage(page.conversationId(), page.messages(), page.hasMore()));
            }
        } else if (frame instanceof Frames.ReadFrame read) {
            callback(() -> listener.onRead(read.receipt()));
        } else if (frame instanceof Frames.PresenceFrame presence) {
            callback(() -> listener.onPresence(presence.presence()));
        } else if (frame instanceof Frames.ErrorFrame error) {
            onError(error, now);
        } else if (frame instanceof Frames.Other other) {
            LOG.log(System.Logger.Level.DEBUG, "ignored frame: {0}", other.text());
        }
        // PongFrame: only liveness, handled above.
    }

    private void onError(Frames.ErrorFrame error, long now) {
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
            pump(now);
            return;
        }
        SyncCall sync = syncCalls.remove(requestId);
        if (sync != null) {
            syncFailed(sync, code, error, now);
            return;
        }
        HistoryCall call = historyByRequest.get(requestId);
        if (call != null) {
            if (!code.retryable()) {
                forget(call);
                call.future.completeExceptionally(new ServerErrorException(error.code(), error.message()));
            } else if (requestId.equals(call.requestId)) {
                call.transmittedAt = -1;
                call.notBefore = now + (code == ErrorCode.RATE_LIMITED
                        ? Math.max(1, error.retryAfterMs()) : Math.min(5_000, 100L << Math.min(call.attempts, 6)));
            }
            pump(now);
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "server refused {0}: {1} {2}", requestId, error.code(), error.message());
    }

    /** Hands the messages to the application, then saves the cursor, then queues the ack. */
    private void deliver(Progress progress) {
        if (!progress.advanced()) {
            return;
        }
        callback(() -> {
            for (Message message : progress.delivered()) {
                try {
                    listener.onMessage(message);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "MessageListener.onMessage threw; the message counts as delivered", e);
                }
            }
            config.cursorStore().save(progress.conversationId(), progress.cursor());
            if (progress.cursor() > 0) {
                onLoop(() -> acksDue.merge(progress.conversationId(), progress.cursor(), Math::max));
            }
        });
    }

    private void write(String text) {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        int gen = generation;
        outgoing = outgoing.thenCompose(x -> ws.sendText(text, true));
        outgoing.whenComplete((x, error) -> {
            if (error != null) {
                onLoop(() -> lost(gen, "write failed: " + rootMessage(error)));
            }
        });
    }

    private void setState(ConnectionState next) {
        if (state == next) {
            return;
        }
        state = next;
        callback(() -> listener.onConnectionState(next));
        if (next == ConnectionState.CONNECTED) {
            // On the listener thread, after every message of the first sync reached the application.
            callback(() -> firstConnected.complete(null));
        }
    }

    // ---------------------------------------------------------------- plumbing

    private final class SocketListener implements WebSocket.Listener {
        private final int gen;
        private final StringBuilder partial = new StringBuilder();

        SocketListener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onLoop(() -> onFrame(gen, text));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // the protocol has no binary frames
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onLoop(() -> lost(gen, "closed by the server: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onLoop(() -> lost(gen, rootMessage(error)));
        }
    }

    /** Runs on the loop; false when the client is closed and the work was not accepted. */
    private boolean onLoop(Runnable work) {
        try {
            loop.execute(guarded(work));
            return true;
        } catch (RejectedExecutionException closedAlready) {
            return false;
        }
    }

    private <T> T callOnLoop(java.util.concurrent.Callable<T> work, T whenClosed) {
        try {
            return loop.submit(work).get(timeout, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedAlready) {
            return whenClosed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return whenClosed;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void callback(Runnable work) {
        try {
            callbacks.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "a MessageListener or CursorStore call threw", e);
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            // closed: the application asked to hear nothing more
        }
    }

    private static Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Parley client bug", e);
            }
        };
    }

    private long now() {
        return config.clock().millis();
    }

    private String nextId(String prefix) {
        return prefix + "-" + (++requestCounter);
    }

    /** 22 characters of base64url (the protocol allows [A-Za-z0-9_-], up to 64). */
    static String newClientMsgId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    static URI connectUri(String websocketUrl, String token, String deviceId) {
        URI base = URI.create(websocketUrl);
        StringBuilder uri = new StringBuilder(websocketUrl);
        if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
            uri.append('/');
        }
        uri.append(base.getRawQuery() == null ? '?' : '&').append("token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
        if (deviceId != null) {
            uri.append("&deviceId=").append(URLEncoder.encode(deviceId, StandardCharsets.UTF_8));
        }
        return URI.create(uri.toString());
    }

    static int handshakeStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
        }
        return -1;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
