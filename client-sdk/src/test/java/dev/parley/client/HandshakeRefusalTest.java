package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a plain HTTP server that refuses every WebSocket upgrade with a fixed
 * status, as API Gateway does for a failed authorizer (401) or its admission limits (429).
 */
class HandshakeRefusalTest {
    private HttpServer server;
    private final List<String> tokensSeen = new CopyOnWriteArrayList<>();
    private final List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    private final List<Integer> authFailures = new CopyOnWriteArrayList<>();

    private String refusingWith(int status) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            attemptTimes.add(System.nanoTime());
            String query = exchange.getRequestURI().getQuery();
            tokensSeen.add(query == null ? "" : query.replaceAll(".*token=([^&]*).*", "$1"));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return "ws://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ParleyClient client(String url, Backoff backoff) {
        AtomicInteger tokens = new AtomicInteger();
        return ParleyClient.builder()
                .websocketUrl(url)
                .tokenSupplier(() -> "token-" + tokens.incrementAndGet())
                .backoff(backoff)
                .listener(new MessageListener() {
                    @Override
                    public void onMessage(Message message) {}

                    @Override
                    public void onConnectionState(ConnectionState state) {
                        states.add(state);
                    }

                    @Override
                    public void onAuthFailed(int httpStatus) {
                        authFailures.add(httpStatus);
                    }
                })
                .build();
    }

    @Test
    void a401IsRetriedOnceWithAFreshTokenThenReportedAndNotRetried() throws Exception {
        String url = refusingWith(401);
        try (ParleyClient client = client(url, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(20)))) {
            assertThatThrownBy(() -> client.connect().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthFailedException.class);
            Thread.sleep(500); // ample time for any further (wrong) attempt at 10-20 ms backoff
            assertThat(tokensSeen).containsExactly("token-1", "token-2");
            assertThat(authFailures).containsExactly(401);
            assertThat(client.state()).isEqualTo(ConnectionState.AUTH_FAILED);

            client.reconnect(); // the user signed in again: two more tries, then stop again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (authFailures.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(tokensSeen).containsExactly("token-1", "token-2", "token-3", "token-4");
        }
        assertThat(states).endsWith(ConnectionState.CLOSED);
    }

    @Test
    void a429IsRetriedWithBackoffAndAFreshTokenEachTime() throws Exception {
        String url = refusingWith(429);
        // Ceilings 40, 80, 160, 320 ms: the first six attempts take at most ~0.9 s in all.
        Backoff backoff = Backoff.exponential(Duration.ofMillis(40), Duration.ofMillis(320)).withRandom(new Random(5));
        try (ParleyClient client = client(url, backoff)) {
            client.connect();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (attemptTimes.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(attemptTimes).hasSizeGreaterThanOrEqualTo(6);
            assertThat(authFailures).isEmpty();
            assertThat(client.state()).isIn(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING);
        }
        assertThat(List.copyOf(tokensSeen).subList(0, 6)).doesNotHaveDuplicates(); // a copy: a late attempt may still arrive
        assertThat(states).contains(ConnectionState.DISCONNECTED).doesNotContain(ConnectionState.AUTH_FAILED);
    }
}
