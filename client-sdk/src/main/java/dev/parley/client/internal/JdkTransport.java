package dev.parley.client.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** {@link Transport} on {@code java.net.http}'s WebSocket. Writes are chained: it allows one at a time. */
public final class JdkTransport implements Transport {
    private final HttpClient http;

    public JdkTransport(HttpClient http) {
        this.http = http;
    }

    @Override
    public CompletableFuture<Socket> open(URI uri, Duration connectTimeout, Inbound inbound) {
        return http.newWebSocketBuilder()
                .connectTimeout(connectTimeout)
                .buildAsync(uri, new Listener(inbound))
                .handle((ws, error) -> {
                    if (error != null) {
                        throw new CompletionException(refusal(error));
                    }
                    return (Socket) new JdkSocket(ws);
                });
    }

    /** A refused upgrade becomes a {@link HandshakeRefusedException} with the HTTP status. */
    private static Throwable refusal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException refused) {
                return new HandshakeRefusedException(refused.getResponse().statusCode(), refused);
            }
        }
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static final class JdkSocket implements Socket {
        private final WebSocket ws;
        private CompletableFuture<?> outgoing = CompletableFuture.completedFuture(null);

        JdkSocket(WebSocket ws) {
            this.ws = ws;
        }

        @Override
        public synchronized CompletableFuture<?> send(String text) {
            outgoing = outgoing.thenCompose(x -> ws.sendText(text, true));
            return outgoing;
        }

        @Override
        public synchronized CompletableFuture<?> close() {
            outgoing = outgoing.thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            return outgoing;
        }

        @Override
        public void abort() {
            ws.abort();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final Inbound inbound;
        private final StringBuilder partial = new StringBuilder();

        Listener(Inbound inbound) {
            this.inbound = inbound;
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
                inbound.onText(text);
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
            inbound.onClosed(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            inbound.onError(error);
        }
    }
}
