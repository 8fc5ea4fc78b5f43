package dev.parley.client.internal;

import dev.parley.client.ClientClosedException;
import dev.parley.client.ErrorCode;
import dev.parley.client.HistoryPage;
import dev.parley.client.Message;
import dev.parley.client.ProtocolError;
import dev.parley.client.ProtocolException;
import dev.parley.client.ServerErrorException;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code history} requests: each waits for a connection, is sent again when its answer does not
 * come within the request timeout or after a retryable error, and ends with its page, a
 * definitive error, or the client's close. On the loop thread.
 *
 * <p>The server cuts pages by encoded size as well as by {@code limit} (docs/protocol.md: no reply
 * over 128 KB), so a page may hold fewer messages than asked for and still say {@code hasMore}.
 * A request goes on asking for the older rest until it holds {@code limit} messages or the
 * server has no more: the application gets what it asked for, whatever the message sizes.
 */
final class HistoryRequests {
    private final Connection connection;
    private final long timeout;
    private final Set<Call> calls = new LinkedHashSet<>();
    private final Map<String, Call> byRequest = new HashMap<>();

    private static final class Call {
        final String conversationId;
        final CompletableFuture<HistoryPage> future;
        /** The messages of the pages so far, ascending. */
        final List<Message> collected = new ArrayList<>();
        /** One page as the server cut it, without asking for the older rest (see {@link #requestPage}). */
        final boolean onePage;
        Long beforeSeq;
        int limit;
        String requestId;
        long transmittedAt = -1;
        long notBefore;
        int attempts;

        Call(String conversationId, Long beforeSeq, int limit, boolean onePage, CompletableFuture<HistoryPage> future) {
            this.conversationId = conversationId;
            this.onePage = onePage;
            this.beforeSeq = beforeSeq;
            this.limit = limit;
            this.future = future;
        }
    }

    HistoryRequests(Connection connection, long timeoutMillis) {
        this.connection = connection;
        this.timeout = timeoutMillis;
    }

    /** Queues a request for {@code limit} messages (or all older ones if fewer); the caller pumps. */
    void request(String conversationId, Long beforeSeq, int limit, CompletableFuture<HistoryPage> future) {
        queue(new Call(conversationId, beforeSeq, limit, false, future));
    }

    /**
     * Queues a request for one page, as the server cuts it (it may hold fewer than {@code limit}
     * messages and say {@code hasMore}); the caller pumps. For the client's own catching up,
     * which pages on with an overlap of its own (see {@link Sequencer#olderPage}).
     */
    void requestPage(String conversationId, Long beforeSeq, int limit, CompletableFuture<HistoryPage> future) {
        queue(new Call(conversationId, beforeSeq, limit, true, future));
    }

    private void queue(Call call) {
        if (connection.closed()) {
            call.future.completeExceptionally(new ClientClosedException("the client is closed"));
            return;
        }
        calls.add(call);
    }

    /** Writes the requests that are due. Needs an open connection. */
    void pump(long now) {
        for (Call call : new ArrayList<>(calls)) {
            if (call.future.isDone()) {
                forget(call);
            } else if ((call.transmittedAt < 0 || now - call.transmittedAt >= timeout) && now >= call.notBefore) {
                call.attempts++;
                call.requestId = connection.nextId("h");
                call.transmittedAt = now;
                byRequest.put(call.requestId, call);
                connection.write(Wire.history(call.requestId, call.conversationId, call.beforeSeq, call.limit));
            }
        }
    }

    void onPage(ServerFrame.HistoryPage page) {
        Call call = byRequest.get(page.requestId());
        if (call == null) {
            return;
        }
        List<Message> messages = Wire.messages(page.messages());
        call.collected.addAll(0, messages);
        int missing = call.limit - messages.size();
        if (!call.onePage && page.hasMore() && missing > 0 && !messages.isEmpty()) {
            // A page cut short by size: ask for the older rest, as a fresh request.
            byRequest.values().removeIf(c -> c == call);
            call.beforeSeq = messages.get(0).seq();
            call.limit = missing;
            call.transmittedAt = -1;
            call.notBefore = 0;
            call.attempts = 0;
            return;
        }
        forget(call);
        call.future.complete(new HistoryPage(page.conversationId(), call.collected, page.hasMore()));
    }

    /** An error answering one of these requests; false if {@code requestId} is not one. */
    boolean onError(String requestId, ErrorCode code, String rawCode, String message, long retryAfterMs, long now) {
        Call call = byRequest.get(requestId);
        if (call == null) {
            return false;
        }
        if (!code.retryable()) {
            forget(call);
            call.future.completeExceptionally(new ServerErrorException(rawCode, message));
        } else if (requestId.equals(call.requestId)) {
            call.transmittedAt = -1;
            call.notBefore = now + (code == ErrorCode.RATE_LIMITED
                    ? Math.max(1, retryAfterMs) : Math.min(5_000, 100L << Math.min(call.attempts, 6)));
        }
        return true;
    }

    /** The answer to one of these requests could not be read: the request fails; false if it is not one. */
    boolean onUnreadable(String requestId, ProtocolError error) {
        Call call = byRequest.get(requestId);
        if (call == null) {
            return false;
        }
        forget(call);
        call.future.completeExceptionally(new ProtocolException(error));
        return true;
    }

    /** The connection dropped: every request goes again on the next one. */
    void connectionLost() {
        calls.forEach(call -> call.transmittedAt = -1);
    }

    void closeAll(ClientClosedException closed) {
        calls.forEach(call -> call.future.completeExceptionally(closed));
        calls.clear();
        byRequest.clear();
    }

    private void forget(Call call) {
        calls.remove(call);
        byRequest.values().removeIf(c -> c == call);
    }
}
