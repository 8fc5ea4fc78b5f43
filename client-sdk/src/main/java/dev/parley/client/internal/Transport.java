package dev.parley.client.internal;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens WebSocket connections. The engine speaks to the server only through this, so tests can
 * hand it crafted frames without a socket ({@link JdkTransport} is the real one).
 */
public interface Transport {

    /** Opens a connection; the future fails with the handshake's or the network's exception. */
    CompletableFuture<Socket> open(URI uri, Duration connectTimeout, Inbound inbound);

    /** One open connection. */
    interface Socket {
        /** Sends one text frame after the ones sent before; the future fails if the write does. */
        CompletableFuture<?> send(String text);

        /** A normal close after the frames already sent. */
        CompletableFuture<?> close();

        /** Drops the connection at once. */
        void abort();
    }

    /** What arrives on a connection; called on the transport's threads. */
    interface Inbound {
        void onText(String text);

        void onClosed(int statusCode, String reason);

        void onError(Throwable error);
    }
}
