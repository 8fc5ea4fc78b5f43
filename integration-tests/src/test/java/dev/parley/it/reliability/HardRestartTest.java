package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.localstack.Backend;
import dev.parley.it.support.WsClient;
import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, suite 4: the local runtime is killed (SIGKILL) in the middle of a conversation, with
 * clients connected and sends in flight, and started again on the same port and {@code --data}
 * directory. Tables, the issuer's key and the stream checkpoints survive; connections do not.
 * Clients reconnect with backoff (no storm), resend what was unconfirmed with the same
 * clientMsgId, sync, and converge: every message once, in one order, on every device.
 *
 * <p>A send cut between its seq allocation and its idempotency claim leaves a hole that no one
 * will fill; readers declare it a gap once it is older than the hole timeout (30 s), so a run
 * where the kill lands there converges only after that timeout.
 */
class HardRestartTest {
    private static final Path LOGS = Path.of("target", "reliability");

    @TempDir
    Path data;

    @Test
    void killedAndRestartedOnTheSameDataWhileClientsAreConnectedTheClientsReconnectWithBackoffAndConverge()
            throws Exception {
        Assumptions.assumeFalse(Backend.isLocalStack(), "the hard-restart suite stops the runtime process with its"
                + " file-backed DynamoDB Local (--data); with LocalStack the tables live outside that process");
        int port = ChildRuntime.freePort();
        Endpoint endpoint = Endpoint.onPort(port);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + run;
        String bob = "bob-" + run;
        String carol = "carol-" + run;
        List<ParleyClient> clients = new ArrayList<>();
        ChildRuntime first = ChildRuntime.start(port, data, LOGS.resolve("hard-restart-" + run + "-1.log"));
        ChildRuntime second = null;
        try {
            // The auditor is a member without devices: what it reads over the HTTP API is the
            // reference, on a rate-limit budget of its own.
            String auditor = "auditor-" + run;
            String group = endpoint.createGroup(alice, List.of(bob, carol, auditor));
            Timeline stored = Timeline.overHttp(endpoint, auditor);
            Map<String, Device> devices = new LinkedHashMap<>();
            Map<String, List<Long>> attempts = new LinkedHashMap<>();
            Map<String, ParleyClient> byDevice = new LinkedHashMap<>();
            for (String[] userDevice : new String[][] {{alice, "phone"}, {bob, "phone"}, {carol, "phone"}, {carol, "tablet"}}) {
                String name = userDevice[0] + "/" + userDevice[1];
                Device device = new Device(name);
                List<Long> tokenCalls = new CopyOnWriteArrayList<>();
                ParleyClient client = endpoint.client(userDevice[0], userDevice[1], device)
                        .tokenSupplier(() -> {
                            tokenCalls.add(System.nanoTime());
                            return endpoint.token(userDevice[0], userDevice[1]);
                        })
                        .build();
                clients.add(client);
                client.connect().get(30, java.util.concurrent.TimeUnit.SECONDS);
                devices.put(name, device);
                attempts.put(name, tokenCalls);
                byDevice.put(name, client);
            }
            ParleyClient a = byDevice.get(alice + "/phone");
            ParleyClient b = byDevice.get(bob + "/phone");
            ParleyClient c = byDevice.get(carol + "/phone");

            // Before: a conversation everyone has.
            Map<String, List<CompletableFuture<Sent>>> bySender = new LinkedHashMap<>();
            for (String sender : List.of(alice, bob, carol)) {
                bySender.put(sender, new ArrayList<>());
            }
            for (int i = 0; i < 15; i++) {
                bySender.get(alice).add(a.sendText(To.conversation(group), "alice before " + i));
                bySender.get(bob).add(b.sendText(To.conversation(group), "bob before " + i));
            }
            Convergence.confirmed(all(bySender), Duration.ofSeconds(60));
            Convergence.everyDeviceSawTheStoredTimeline(stored, group, devices.values(), Duration.ofSeconds(30));
            Thread.sleep(1_200); // connections held long enough for the backoff to start over at its base

            // During: sends going out when the process dies.
            List<CompletableFuture<Sent>> during = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                during.add(track(bySender.get(alice), a.sendText(To.conversation(group), "alice during " + i)));
                during.add(track(bySender.get(bob), b.sendText(To.conversation(group), "bob during " + i)));
                if (i % 3 == 0) {
                    during.add(track(bySender.get(carol), c.sendText(To.conversation(group), "carol during " + i)));
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> during.stream().filter(CompletableFuture::isDone).count() >= 12);
            first.kill();
            long killedAt = System.nanoTime();
            long unconfirmedAtKill = during.stream().filter(f -> !f.isDone()).count();

            Thread.sleep(1_000); // down for a while: every client goes through several attempts
            second = ChildRuntime.start(port, data, LOGS.resolve("hard-restart-" + run + "-2.log"));
            long readyAt = System.nanoTime();

            List<Sent> confirmed = Convergence.confirmed(all(bySender), Duration.ofSeconds(90));
            // First the devices, which also waits out a hole the kill may have left (30 s), then
            // what is stored, which reads completely only once no hole holds the timeline.
            Convergence.everyDeviceSawTheStoredTimeline(stored, group, devices.values(), Duration.ofSeconds(75));
            long convergedAt = System.nanoTime();
            Convergence.storedExactlyOnce(stored, group, confirmed);
            for (List<CompletableFuture<Sent>> one : bySender.values()) {
                Convergence.sendOrderKept(stored, group, one.stream().map(CompletableFuture::join).toList());
            }

            double downSeconds = (readyAt - killedAt) / 1e9;
            List<Long> seqs = stored.messageSeqs(group);
            System.out.printf("hard restart: %d sends unconfirmed at the kill; down %.1f s; converged %.1f s after the"
                            + " restart; %d messages, %d seqs declared gaps%n", unconfirmedAtKill, downSeconds,
                    (convergedAt - readyAt) / 1e9, seqs.size(), seqs.get(seqs.size() - 1) - seqs.size());
            for (var device : devices.entrySet()) {
                List<Long> whileDown = attempts.get(device.getKey()).stream()
                        .filter(t -> t > killedAt && t < readyAt).toList();
                System.out.printf("  %s: %d connection attempts while down, %s ms apart%n", device.getKey(),
                        whileDown.size(), gaps(whileDown));
                // Backoff: attempts spread out (100 ms growing to 1 s, full jitter), never a tight
                // loop, and the client did keep trying.
                assertThat(whileDown.size()).as(device.getKey() + " attempts while down")
                        .isBetween(1, 6 + (int) (downSeconds * 4));
                assertThat(device.getValue().states()).as(device.getKey() + " states")
                        .containsSubsequence(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED,
                                ConnectionState.CONNECTING, ConnectionState.SYNCING, ConnectionState.CONNECTED);
            }
        } finally {
            clients.forEach(ParleyClient::close);
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /**
     * The connections of the killed run are still recorded (no {@code $disconnect} ran), so a user
     * who held their whole share of connections would be refused with 429 after the restart until
     * the records expire. The gateway of the new run answers 410 for those connections, and the
     * connect limit counts only connections the gateway still holds: the user connects at once,
     * and is refused again only past a share of connections of the new run.
     */
    @Test
    void aUserWhoHeldEveryConnectionOfTheirShareWhenTheRuntimeWasKilledConnectsAfterTheRestart() throws Exception {
        Assumptions.assumeFalse(Backend.isLocalStack(), "the hard-restart suite stops the runtime process with its"
                + " file-backed DynamoDB Local (--data)");
        int port = ChildRuntime.freePort();
        Endpoint endpoint = Endpoint.onPort(port);
        String dana = "dana-" + UUID.randomUUID().toString().substring(0, 8);
        String run = dana.substring(5);
        List<WsClient> before = new ArrayList<>();
        List<WsClient> after = new ArrayList<>();
        ChildRuntime first = ChildRuntime.start(port, data, LOGS.resolve("hard-restart-limit-" + run + "-1.log"));
        ChildRuntime second = null;
        try {
            warmUp(endpoint, "warm-" + run);
            int refusedBefore = connectUntilRefused(endpoint, dana, before);
            assertThat(refusedBefore).as("the handshake past the user's share, before the kill").isEqualTo(429);
            assertThat(before).as("connections of the user's share").isNotEmpty();

            first.kill();
            second = ChildRuntime.start(port, data, LOGS.resolve("hard-restart-limit-" + run + "-2.log"));
            warmUp(endpoint, "warm-" + run);

            int refusedAfter = connectUntilRefused(endpoint, dana, after);
            assertThat(after).as("connections the user opens after the restart").hasSameSizeAs(before);
            assertThat(refusedAfter).as("the handshake past the user's share, after the restart").isEqualTo(429);
            for (WsClient connection : after) {
                assertThat(connection.isOpen()).as("a connection of the new run").isTrue();
                assertThat(connection.heartbeat(Duration.ofSeconds(10)).get("type").asText()).isEqualTo("pong");
            }
        } finally {
            before.forEach(WsClient::close);
            after.forEach(WsClient::close);
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /**
     * One connection of another user, tried until it opens (within 90 s): a fresh runtime loads its
     * functions on the first handshake, which on a loaded machine can outlast the client's 10 s.
     */
    private static void warmUp(Endpoint endpoint, String userId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                WsClient.connect(endpoint.websocketUrl() + "/?token="
                        + URLEncoder.encode(endpoint.tokenNow(userId, null), StandardCharsets.UTF_8)).close();
                return;
            } catch (IllegalStateException slow) {
                if (System.nanoTime() > deadline) {
                    throw slow;
                }
            }
        }
    }

    /** Opens connections for the user until a handshake is refused (at most 50); returns the refusal's status. */
    private static int connectUntilRefused(Endpoint endpoint, String userId, List<WsClient> open) {
        for (int attempt = 0; attempt < 50; attempt++) {
            String uri = endpoint.websocketUrl() + "/?token="
                    + URLEncoder.encode(endpoint.tokenNow(userId, null), StandardCharsets.UTF_8);
            try {
                open.add(WsClient.connect(uri));
            } catch (IllegalStateException failed) {
                for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                    if (cause instanceof WebSocketHandshakeException refused) {
                        return refused.getResponse().statusCode();
                    }
                }
                throw failed;
            }
        }
        return 101;
    }

    private static <T> T track(List<T> list, T item) {
        list.add(item);
        return item;
    }

    private static List<CompletableFuture<Sent>> all(Map<String, List<CompletableFuture<Sent>>> bySender) {
        return bySender.values().stream().flatMap(List::stream).toList();
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add((times.get(i) - times.get(i - 1)) / 1_000_000);
        }
        return gaps;
    }
}
