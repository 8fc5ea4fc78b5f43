package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 18: connect() with no server used to wait for ever and log a ClosedChannelException. */
class ConnectTimeoutTest {

    @Test
    void connectFailsAfterTheTimeoutSayingConnectionRefusedToTheUrl() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        String url = "ws://127.0.0.1:" + port;
        try (ParleyClient client = ParleyClient.builder()
                .websocketUrl(url)
                .tokenSupplier(() -> "token")
                .connectTimeout(Duration.ofMillis(800))
                .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(200)))
                .listener(message -> {})
                .build()) {
            assertThatThrownBy(() -> client.connect().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ConnectFailedException.class)
                    .hasMessage("could not connect to " + url + " within 800 ms: connection refused")
                    .hasCauseInstanceOf(ConnectException.class);
            // Still trying in the background, as onConnectionState shows; close() stops it.
            assertThat(client.state()).isIn(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING);
        }
    }
}
