package dev.parley.local.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client connection held by the gateway, apart from any function code. Until the socket is
 * open (while {@code $connect} runs), frames posted to it are queued, as API Gateway holds
 * messages for a connection that is being established.
 */
final class LiveConnection {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    final String id;
    final Map<String, Object> authorizerContext;
    final long connectedAt;
    final String sourceIp;
    final String userAgent;
    volatile long lastActiveAt;
    private Session session;
    private final List<String> pending = new ArrayList<>();
    private boolean closed;

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
     * Sends one text frame and waits until it is written. Sends to one connection are serialized,
     * so frames reach the client in the order they were sent. Returns false if the connection is
     * closed.
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
        Callback.Completable written = new Callback.Completable();
        session.sendText(frame, written);
        try {
            written.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    synchronized void markClosed() {
        closed = true;
        pending.clear();
    }

    synchronized void close(int status, String reason) {
        closed = true;
        if (session != null && session.isOpen()) {
            session.close(status, reason, Callback.NOOP);
        }
    }
}
