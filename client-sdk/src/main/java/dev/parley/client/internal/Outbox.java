package dev.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ErrorCode;
import dev.parley.client.Sent;
import dev.parley.client.To;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The sends not yet confirmed by a {@code sent}, and when to (re)transmit each.
 *
 * <p>A send stays here until its {@code sent} arrives or the server answers with a definitive
 * error; every transmission carries the same {@code clientMsgId}, so the server stores it once
 * and confirms every retry with the same seq. It is transmitted again when its attempt is not
 * answered within the request timeout, after a reconnect, after an {@code INTERNAL} error (with
 * a short growing delay), and after {@code retryAfterMs} on {@code RATE_LIMITED} (the limit is
 * per user, so every send waits).
 *
 * <p>Sends to one destination go out one at a time, in the order they were made: the head of
 * each destination's queue must be confirmed before the next is transmitted, so seqs follow
 * the order in which the application sent (a retried send cannot be overtaken).
 *
 * <p>Pure and single-threaded: time is passed in; {@link #due} says what to write.
 */
public final class Outbox {
    private final long timeout;
    private final Map<String, ArrayDeque<Pending>> queues = new LinkedHashMap<>();
    private final Map<String, Pending> byClientMsgId = new HashMap<>();
    private final Map<String, Pending> byRequestId = new HashMap<>();
    private long pausedUntil;

    /** One send. {@link #future} completes with the server's confirmation. */
    public static final class Pending {
        final String clientMsgId;
        final To to;
        final JsonNode body;
        final CompletableFuture<Sent> future;
        int attempts;
        String requestId;
        long transmittedAt = -1;
        long notBefore;

        /** Protocol v2: an edit, delete or react (null for a send), and a send's {@code replyTo} (0: none). */
        final dev.parley.client.Message.Event event;
        final long replyTo;

        public Pending(String clientMsgId, To to, JsonNode body, CompletableFuture<Sent> future) {
            this(clientMsgId, to, body, future, null, 0);
        }

        public Pending(String clientMsgId, To to, JsonNode body, CompletableFuture<Sent> future,
                       dev.parley.client.Message.Event event, long replyTo) {
            this.clientMsgId = clientMsgId;
            this.to = to;
            this.body = body;
            this.future = future;
            this.event = event;
            this.replyTo = replyTo;
        }

        public dev.parley.client.Message.Event event() {
            return event;
        }

        public long replyTo() {
            return replyTo;
        }

        public String clientMsgId() {
            return clientMsgId;
        }

        public To to() {
            return to;
        }

        public JsonNode body() {
            return body;
        }

        public CompletableFuture<Sent> future() {
            return future;
        }

        public int attempts() {
            return attempts;
        }

        /** The requestId of the latest transmission. */
        public String requestId() {
            return requestId;
        }

        boolean inFlight() {
            return transmittedAt >= 0;
        }
    }

    /** What to do with the send an error frame was about. */
    public enum Verdict { RETRY, FAIL, IGNORE }

    public record ErrorOutcome(Verdict verdict, Pending pending) {}

    public Outbox(Duration timeout) {
        this.timeout = timeout.toMillis();
    }

    public void add(Pending pending) {
        queues.computeIfAbsent(pending.to.orderingKey(), key -> new ArrayDeque<>()).add(pending);
        byClientMsgId.put(pending.clientMsgId, pending);
    }

    /**
     * The sends to transmit now (call only while connected): each queue's head that is not in
     * flight, or whose attempt timed out, once its wait is over. Each is marked transmitted with
     * a new requestId ({@code clientMsgId.attempt}).
     */
    public List<Pending> due(long now) {
        List<Pending> due = new ArrayList<>();
        if (now < pausedUntil) {
            return due;
        }
        for (ArrayDeque<Pending> queue : queues.values()) {
            Pending head = queue.peekFirst();
            if (head == null || now < head.notBefore) {
                continue;
            }
            if (!head.inFlight() || now - head.transmittedAt >= timeout) {
                head.attempts++;
                head.requestId = head.clientMsgId + "." + head.attempts;
                head.transmittedAt = now;
                byRequestId.put(head.requestId, head);
                due.add(head);
            }
        }
        return due;
    }

    /** The {@code sent} for {@code clientMsgId} arrived: the send is done. Null when it was not pending. */
    public Pending confirmed(String clientMsgId) {
        Pending pending = byClientMsgId.remove(clientMsgId);
        if (pending != null) {
            remove(pending);
        }
        return pending;
    }

    /**
     * An error frame answered {@code requestId}. Retryable errors on the latest attempt schedule
     * the next one; on an older attempt they are stale and ignored. A definitive error on any
     * attempt fails the send (every attempt carries the same content).
     */
    public ErrorOutcome failed(String requestId, ErrorCode code, long retryAfterMs, long now) {
        Pending pending = byRequestId.get(requestId);
        if (pending == null || !byClientMsgId.containsKey(pending.clientMsgId)) {
            return new ErrorOutcome(Verdict.IGNORE, pending);
        }
        if (!code.retryable()) {
            byClientMsgId.remove(pending.clientMsgId);
            remove(pending);
            return new ErrorOutcome(Verdict.FAIL, pending);
        }
        if (!requestId.equals(pending.requestId)) {
            return new ErrorOutcome(Verdict.IGNORE, pending);
        }
        pending.transmittedAt = -1;
        if (code == ErrorCode.RATE_LIMITED) {
            pausedUntil = Math.max(pausedUntil, now + Math.max(1, retryAfterMs));
        } else {
            pending.notBefore = now + Math.min(5_000, 100L << Math.min(pending.attempts, 6));
        }
        return new ErrorOutcome(Verdict.RETRY, pending);
    }

    /** The connection dropped: nothing is in flight any more; everything goes out again on the next one. */
    public void connectionLost() {
        byClientMsgId.values().forEach(p -> p.transmittedAt = -1);
    }

    /** Removes and returns every pending send (the client is closing). */
    public List<Pending> drain() {
        List<Pending> all = new ArrayList<>();
        queues.values().forEach(all::addAll);
        queues.clear();
        byClientMsgId.clear();
        byRequestId.clear();
        return all;
    }

    public int size() {
        return byClientMsgId.size();
    }

    public long pausedUntil() {
        return pausedUntil;
    }

    private void remove(Pending pending) {
        String key = pending.to.orderingKey();
        ArrayDeque<Pending> queue = queues.get(key);
        if (queue != null) {
            queue.remove(pending);
            if (queue.isEmpty()) {
                queues.remove(key);
            }
        }
        byRequestId.values().removeIf(p -> p == pending);
    }
}
