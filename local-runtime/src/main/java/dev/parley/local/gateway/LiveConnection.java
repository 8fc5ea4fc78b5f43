package dev.parley.local.gateway;

import dev.parley.model.aws.AwsLimits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client connection held by the gateway, apart from any function code.
 *
 * <p>Outgoing: until the socket is open (while {@code $connect} runs), frames posted to it are
 * queued, as API Gateway holds messages for a connection that is being established; sends are
 * serialized, so frames reach the client in the order they were sent.
 *
 * <p>Incoming: frames wait in a bounded inbox and at most {@code invocationsPerConnection} of them
 * are being invoked at once, each taking its turn on the shared invocation threads. When the inbox
 * is full the gateway stops reading the socket (no demand), so a flooding client is slowed by TCP
 * and cannot queue work ahead of other users' frames.
 */
final class LiveConnection {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    /** At most 3 bytes of UTF-8 per char (4 per surrogate pair): a fragment stays within 32 KB. */
    private static final int FRAGMENT_CHARS = AwsLimits.WEBSOCKET_FRAME_BYTES / 4;

    final String id;
    final Map<String, Object> authorizerContext;
    final long connectedAt;
    final String sourceIp;
    final String userAgent;
    volatile long lastActiveAt;
    private Session session;
    private final List<String> pending = new ArrayList<>();
    private boolean closed;
    private int closeStatus;
    private String closeReason;
    private Runnable onClose = () -> {};

    private final Object inboxLock = new Object();
    private final ArrayDeque<String> inbox = new ArrayDeque<>();
    private int invoking;
    private boolean demandWithheld;

    LiveConnection(String id, Map<String, Object> authorizerContext, long connectedAt, String sourceIp, String userAgent) {
        this.id = id;
        this.authorizerContext = authorizerContext;
        this.connectedAt = connectedAt;
        this.lastActiveAt = connectedAt;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
    }

    synchronized void opened(Session session) {
        this.session = session;
        for (String frame : pending) {
            sendNow(frame);
        }
        pending.clear();
    }

    /**
     * Sends one text frame and waits until it is written. Returns false if the connection is
     * closed or the frame could not be written.
     */
    synchronized boolean send(String frame) {
        if (closed) {
            return false;
        }
        if (session == null) {
            pending.add(frame);
            return true;
        }
        return sendNow(frame);
    }

    private boolean sendNow(String frame) {
        if (!session.isOpen()) {
            return false;
        }
        try {
            // API Gateway sends a message over its 32 KB frame limit in several frames; so does this.
            int start = 0;
            do {
                int end = Math.min(frame.length(), start + FRAGMENT_CHARS);
                if (end < frame.length() && Character.isHighSurrogate(frame.charAt(end - 1))) {
                    end--;
                }
                Callback.Completable written = new Callback.Completable();
                if (start == 0 && end == frame.length()) {
                    session.sendText(frame, written);
                } else {
                    session.sendPartialText(frame.substring(start, end), end == frame.length(), written);
                }
                written.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                start = end;
            } while (start < frame.length());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A frame read from the socket: queued, invoked in turn, and more read only while the inbox
     * has room.
     */
    void received(String frame, GatewayLimits limits, Executor invocations, BiConsumer<LiveConnection, String> dispatch) {
        boolean demand;
        synchronized (inboxLock) {
            inbox.add(frame);
            demand = inbox.size() < limits.queuedFramesPerConnection();
            demandWithheld = !demand;
        }
        if (demand) {
            demand();
        }
        startInvocations(limits, invocations, dispatch);
    }

    private void startInvocations(GatewayLimits limits, Executor invocations, BiConsumer<LiveConnection, String> dispatch) {
        while (true) {
            String next;
            synchronized (inboxLock) {
                if (invoking >= limits.invocationsPerConnection() || inbox.isEmpty()) {
                    return;
                }
                next = inbox.poll();
                invoking++;
            }
            invocations.execute(() -> {
                try {
                    dispatch.accept(this, next);
                } finally {
                    boolean demand;
                    synchronized (inboxLock) {
                        invoking--;
                        demand = demandWithheld && inbox.size() < limits.queuedFramesPerConnection();
                        if (demand) {
                            demandWithheld = false;
                        }
                    }
                    if (demand) {
                        demand();
                    }
                    startInvocations(limits, invocations, dispatch);
                }
            });
        }
    }

    void demand() {
        Session open;
        synchronized (this) {
            open = closed ? null : session;
        }
        if (open != null && open.isOpen()) {
            open.demand();
        }
    }

    /** Runs once the connection is closed, whichever side closed it. */
    synchronized void onClose(Runnable action) {
        this.onClose = action;
    }

    synchronized void markClosed() {
        closed = true;
        onClose.run();
        pending.clear();
        synchronized (inboxLock) {
            inbox.clear();
        }
    }

    /** Whether the gateway closed (or began closing) this connection itself. */
    synchronized boolean isClosed() {
        return closed;
    }

    /** The status of a close the gateway started; null when the client closed first. */
    synchronized Integer gatewayCloseStatus() {
        return closeStatus == 0 ? null : closeStatus;
    }

    /** The reason of a close the gateway started. */
    synchronized String gatewayCloseReason() {
        return closeReason;
    }

    synchronized void close(int status, String reason) {
        if (!closed) {
            closeStatus = status;
            closeReason = reason;
        }
        closed = true;
        if (session != null && session.isOpen()) {
            session.close(status, reason, Callback.NOOP);
        }
    }
}
