package dev.parley.client.internal;

import dev.parley.client.AuthFailedException;
import dev.parley.client.Backoff;
import dev.parley.client.ClientClosedException;
import dev.parley.client.ConnectFailedException;
import dev.parley.client.ConnectionState;
import dev.parley.client.MessageListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection's lifecycle, on the loop thread: opening with a fresh token, the handshake's
 * refusals, heartbeats and the silence that counts as a drop, reconnecting after a
 * {@link Backoff} delay, and the {@link ConnectionState} the application sees. What happens on
 * the connection (sync, sends, history) is the {@link Events}' business.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");

    /** What the rest of the engine hears from the connection, on the loop thread. */
    interface Events {
        /** A connection is open: catch up and send what waits. */
        void opened(long now);

        /** The open connection is gone: whatever was in flight on it must go again on the next. */
        void lost();

        void frame(String text, long now);
    }

    private final ClientConfig config;
    private final Loop loop;
    private final Transport transport;
    private final MessageListener listener;
    private final long timeout;
    private final Backoff.Sequence backoff;
    private final CompletableFuture<Void> firstConnected = new CompletableFuture<>();
    private Events events;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile String selfUserId;

    private boolean started;
    private boolean closed;
    private int generation;
    private int lostGeneration = -1;
    private Transport.Socket socket;
    private long attemptStartedAt;
    private int authRefusals;
    private ScheduledFuture<?> reconnectTask;
    private long requestCounter;
    private long connectDeadline = Long.MAX_VALUE;
    private Throwable lastFailure;
    private String lastFailureText;
    private boolean giveUpAfterAttempt;
    private final Heartbeat heartbeat;

    Connection(ClientConfig config, Loop loop, Transport transport) {
        this.config = config;
        this.loop = loop;
        this.transport = transport;
        this.listener = config.listener();
        this.timeout = config.requestTimeout().toMillis();
        this.backoff = config.backoff().start(config.clock());
        this.heartbeat = new Heartbeat(config.heartbeatInterval().toMillis(), timeout);
    }

    void events(Events events) {
        this.events = events;
    }

    // ---------------------------------------------------------------- queries (any thread)

    ConnectionState state() {
        return state;
    }

    String userId() {
        return selfUserId;
    }

    /** Completes when the first connection is open and caught up (see ParleyClient#connect). */
    CompletableFuture<Void> firstConnected() {
        return firstConnected;
    }

    // ---------------------------------------------------------------- loop thread

    boolean closed() {
        return closed;
    }

    boolean open() {
        return socket != null;
    }

    /** Starts connecting, once; then {@code tick} runs every tick. */
    void start(Runnable tick) {
        if (!started && !closed) {
            started = true;
            long limit = config.connectTimeout().toMillis();
            connectDeadline = limit > 0 ? loop.now() + limit : Long.MAX_VALUE;
            long period = config.tick().toMillis();
            loop.every(period, tick);
            connect();
        }
    }

    /** Connects now: after AUTH_FAILED, or to skip a pending backoff wait. */
    void reconnect(Runnable tick) {
        if (closed) {
            return;
        }
        if (!started) {
            start(tick);
        } else if (socket == null && state != ConnectionState.CONNECTING) {
            authRefusals = 0;
            connect();
        }
    }

    /** The first sync after an open completed: the application holds what the server holds. */
    void caughtUp() {
        if (state == ConnectionState.SYNCING) {
            setState(ConnectionState.CONNECTED);
        }
    }

    String nextId(String prefix) {
        return prefix + "-" + (++requestCounter);
    }

    /** Sends a frame on the open connection; a failed write drops the connection. Nothing without one. */
    void write(String text) {
        Transport.Socket ws = socket;
        if (ws == null) {
            return;
        }
        int gen = generation;
        ws.send(text).whenComplete((x, error) -> {
            if (error != null) {
                loop.execute(() -> lost(gen, "write failed: " + Handshake.describe(error)));
            }
        });
    }

    /**
     * Timers: an unanswered handshake, a heartbeat due, a heartbeat unanswered. Returns whether a
     * connection is open afterwards.
     */
    boolean tick(long now) {
        if (closed) {
            return false;
        }
        if (now >= connectDeadline) {
            giveUpConnecting();
        }
        if (state == ConnectionState.CONNECTING && socket == null && now - attemptStartedAt > 3 * timeout) {
            generation++; // a late open of the abandoned attempt is aborted in opened()
            lastFailureText = "no handshake answer within " + 3 * timeout + " ms";
            lastFailure = null;
            if (giveUpAfterAttempt) {
                giveUpConnecting();
            }
            disconnected("no handshake answer within " + 3 * timeout + " ms");
            return false;
        }
        if (socket == null) {
            return false;
        }
        switch (heartbeat.due(now)) {
            case DEAD -> {
                lost(generation, "no frame within " + timeout + " ms of a heartbeat");
                return false;
            }
            case SEND -> write(Wire.heartbeat(nextId("hb")));
            case NOTHING -> { }
        }
        return true;
    }

    /** Closes for good: the connection, the reconnect timer, and connect()'s future. */
    void close(ClientClosedException closedException) {
        closed = true;
        cancelReconnect();
        firstConnected.completeExceptionally(closedException);
        if (socket != null) {
            Transport.Socket ws = socket;
            socket = null;
            generation++;
            ws.close().orTimeout(1, TimeUnit.SECONDS).whenComplete((x, e) -> ws.abort());
        }
        setState(ConnectionState.CLOSED);
    }

    /**
     * connect() fails once the connect timeout passed without a caught-up connection; the client
     * goes on trying in the background (the application may close it).
     */
    private void giveUpConnecting() {
        connectDeadline = Long.MAX_VALUE;
        if (firstConnected.isDone()) {
            return;
        }
        if (lastFailureText == null && state == ConnectionState.CONNECTING) {
            // The first attempt is still under way: its outcome is the reason to give.
            giveUpAfterAttempt = true;
            return;
        }
        giveUpAfterAttempt = false;
        String last = state == ConnectionState.SYNCING ? "connected, but the first sync did not complete" : lastFailureText;
        Throwable cause = lastFailure;
        for (Throwable t = lastFailure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                cause = t;
                break;
            }
        }
        ConnectFailedException failure = new ConnectFailedException(config.websocketUrl(), config.connectTimeout(), last, cause);
        LOG.log(System.Logger.Level.WARNING, "{0}; still trying", failure.getMessage());
        firstConnected.completeExceptionally(failure);
    }

    // ---------------------------------------------------------------- lifecycle

    private void connect() {
        cancelReconnect();
        int gen = ++generation;
        attemptStartedAt = loop.now();
        setState(ConnectionState.CONNECTING);
        CompletableFuture.supplyAsync(() -> {
                    try {
                        return config.tokens().token();
                    } catch (Exception e) {
                        throw new CompletionException("the token supplier failed", e);
                    }
                }, loop.tokenThread())
                .thenCompose(token -> {
                    selfUserId = Wire.subject(token);
                    return transport.open(Handshake.connectUri(config.websocketUrl(), token, config.deviceId()),
                            config.requestTimeout(), new Inbound(gen));
                })
                .whenComplete((ws, error) -> {
                    if (!loop.execute(() -> opened(gen, ws, error)) && ws != null) {
                        ws.abort();
                    }
                });
    }

    private void opened(int gen, Transport.Socket ws, Throwable error) {
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
            int status = Handshake.handshakeStatus(error);
            if (status == 401 || status == 403) {
                authRefusals++;
                if (authRefusals >= 2) {
                    LOG.log(System.Logger.Level.WARNING, "handshake refused with HTTP {0} twice; not retrying", status);
                    setState(ConnectionState.AUTH_FAILED);
                    loop.callback(() -> listener.onAuthFailed(status));
                    // After the listener heard it, so that connect()'s caller sees the callback's effects.
                    loop.callback(() -> firstConnected.completeExceptionally(new AuthFailedException(status)));
                    return;
                }
                LOG.log(System.Logger.Level.INFO, "handshake refused with HTTP {0}; retrying once with a fresh token", status);
                connect();
                return;
            }
            lastFailure = error;
            lastFailureText = status > 0 ? "handshake refused with HTTP " + status : Handshake.describe(error);
            disconnected(status > 0 ? lastFailureText : "could not connect to " + config.websocketUrl() + ": " + lastFailureText);
            if (giveUpAfterAttempt) {
                giveUpConnecting();
            }
            return;
        }
        socket = ws;
        connectDeadline = firstConnected.isDone() ? Long.MAX_VALUE : connectDeadline;
        authRefusals = 0;
        backoff.connected();
        setState(ConnectionState.SYNCING);
        long now = loop.now();
        heartbeat.opened(now);
        events.opened(now);
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
        heartbeat.alive();
        events.lost();
        if (!closed) {
            disconnected("connection lost: " + reason);
        }
    }

    private void disconnected(String reason) {
        LOG.log(System.Logger.Level.INFO, "{0}", reason);
        setState(ConnectionState.DISCONNECTED);
        Duration delay = backoff.next();
        int gen = generation;
        reconnectTask = loop.schedule(() -> {
            if (gen == generation && !closed && socket == null) {
                connect();
            }
        }, delay.toMillis());
    }

    private void cancelReconnect() {
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
    }

    private void frame(int gen, String text) {
        if (gen != generation || closed) {
            return;
        }
        heartbeat.alive(); // any frame shows the connection is alive
        events.frame(text, loop.now());
    }

    private void setState(ConnectionState next) {
        if (state == next) {
            return;
        }
        state = next;
        loop.callback(() -> listener.onConnectionState(next));
        if (next == ConnectionState.CONNECTED) {
            // On the listener thread, after every message of the first sync reached the application.
            loop.callback(() -> firstConnected.complete(null));
        }
    }

    /** The socket's events, moved onto the loop and tagged with the attempt they belong to. */
    private final class Inbound implements Transport.Inbound {
        private final int gen;

        Inbound(int gen) {
            this.gen = gen;
        }

        @Override
        public void onText(String text) {
            loop.execute(() -> frame(gen, text));
        }

        @Override
        public void onClosed(int statusCode, String reason) {
            loop.execute(() -> lost(gen, "closed by the server: " + statusCode + " " + reason));
        }

        @Override
        public void onError(Throwable error) {
            loop.execute(() -> lost(gen, Handshake.describe(error)));
        }
    }
}
