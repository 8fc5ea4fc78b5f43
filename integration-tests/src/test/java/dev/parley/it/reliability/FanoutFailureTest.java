package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, suite 2: the fan-out fails. Pushes go out at least once through the stream mapping's
 * retries (from the first failed record of a batch), a connection that is gone is answered 410
 * and left to sync, and the client SDK turns what arrives (late, out of order, twice) into each
 * message once, in seq order, on every device.
 *
 * <p>Each test runs the same conversation: alice and bob send 40 messages each into a group with
 * carol, four at a time every 300 ms, so that faults land throughout. Devices: alice's phone,
 * bob's phone and tablet, carol's phone (all SDK clients), and carol's watch, a raw WebSocket
 * client that never syncs: what it receives came by push alone.
 */
class FanoutFailureTest {
    private static final int MESSAGES_EACH = 40;

    private static LocalRuntime runtime;
    private static DynamoFaults dynamoFaults;
    private static PostFaults postFaults;
    private static Endpoint endpoint;
    private static Timeline stored;
    private static OwnDynamo own;

    private final List<AutoCloseable> open = new ArrayList<>();

    /**
     * One runtime for the class, started by the first test (not in {@code @BeforeAll}: a backend
     * that cannot run then skips each test with its reason, which a class-level skip would hide).
     */
    @BeforeEach
    void start() throws Exception {
        if (runtime != null) {
            return;
        }
        LocalRuntime.Options options = Backends.options().port(0).build();
        dynamoFaults = new DynamoFaults(Backends.table(options, Setting.CONNECTIONS_TABLE));
        runtime = LocalRuntime.start(options.toBuilder().dynamoInterceptor(dynamoFaults).build());
        postFaults = new PostFaults(runtime);
        runtime.connectionsApi().setFaults(postFaults);
        endpoint = Endpoint.of(runtime);
        stored = Timeline.storedIn(runtime);
        own = new OwnDynamo(runtime);
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        if (runtime != null) {
            dynamoFaults.reset();
            postFaults.reset();
        }
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void recordsWhoseConnectionLookupFailsAreReportedRetriedAndDeliveredOnceToEveryDevice() throws Exception {
        Chat chat = new Chat("lookup");
        int deadLettersBefore = runtime.streamPoller().deadLetters().size();

        List<Sent> confirmed = chat.sendWhile(dynamoFaults::failNextFanoutLookup, Duration.ofMillis(100));

        assertThat(dynamoFaults.fanoutLookupsFailed()).as("fan-out lookups failed").isGreaterThanOrEqualTo(3);
        chat.assertConverged(confirmed);
        assertThat(runtime.streamPoller().deadLetters()).hasSize(deadLettersBefore);
    }

    @Test
    void pushesAnswered500AreRetriedByTheStreamMappingAndDeliveredOnceToEveryDevice() throws Exception {
        Chat chat = new Chat("post500");
        postFaults.eligible(connection -> true, frame -> frame.contains(chat.group) && frame.contains("\"message\""));
        int deadLettersBefore = runtime.streamPoller().deadLetters().size();

        List<Sent> confirmed = chat.sendWhile(postFaults::armServerError, Duration.ofMillis(100));

        assertThat(postFaults.victims()).as("records whose first post was answered 500").isGreaterThanOrEqualTo(3);
        System.out.printf("fan-out %s: %d posts answered 500 for %d records%n", chat.group, postFaults.serverErrors(),
                postFaults.victims());
        chat.assertConverged(confirmed);
        assertThat(runtime.streamPoller().deadLetters()).hasSize(deadLettersBefore);
    }

    @Test
    void aConnectionGoneBeforeItsPushIsAnswered410AndItsDeviceCatchesUpBySyncAfterReconnecting() throws Exception {
        Chat chat = new Chat("gone");
        // Any connection of bob's two devices and carol's phone; carol's watch keeps its connection.
        postFaults.eligible(connection -> {
            Map<String, String> devices = new HashMap<>(own.connectionsOf(chat.bob));
            own.connectionsOf(chat.carol).forEach((id, device) -> {
                if ("phone".equals(device)) {
                    devices.put(id, device);
                }
            });
            return devices.containsKey(connection);
        }, frame -> frame.contains(chat.group) && frame.contains("\"message\""));

        List<Sent> confirmed = chat.sendWhile(postFaults::armGone, Duration.ofMillis(250));

        assertThat(postFaults.gone()).as("connections gone at their push").isGreaterThanOrEqualTo(2);
        chat.assertConverged(confirmed);
        assertThat(List.of(chat.bobPhone, chat.bobTablet, chat.carolPhone).stream()
                .filter(device -> device.states().contains(ConnectionState.DISCONNECTED)).count())
                .as("devices that lost their connection").isGreaterThanOrEqualTo(1);
        // The fan-out removed what the gateway reported gone: no mapping outlives its connection.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String user : List.of(chat.alice, chat.bob, chat.carol)) {
                for (String connection : own.connectionsOf(user).keySet()) {
                    assertThat(runtime.gateway().info(connection)).as("mapping " + connection + " of " + user).isPresent();
                }
            }
        });
    }

    /** The conversation every test of this class runs, with its devices. */
    private final class Chat {
        final String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        final String bob = "bob-" + alice.substring(6);
        final String carol = "carol-" + alice.substring(6);
        final String group;
        final Device alicePhone;
        final Device bobPhone;
        final Device bobTablet;
        final Device carolPhone;
        final WsClient carolWatch;
        final ParleyClient aliceClient;
        final ParleyClient bobClient;

        Chat(String name) {
            group = endpoint.createGroup(alice, List.of(bob, carol));
            alicePhone = new Device(name + ":alice/phone");
            bobPhone = new Device(name + ":bob/phone");
            bobTablet = new Device(name + ":bob/tablet");
            carolPhone = new Device(name + ":carol/phone");
            aliceClient = keep(endpoint.connect(alice, "phone", alicePhone));
            bobClient = keep(endpoint.connect(bob, "phone", bobPhone));
            keep(endpoint.connect(bob, "tablet", bobTablet));
            keep(endpoint.connect(carol, "phone", carolPhone));
            carolWatch = keep(WsClient.connect(endpoint.websocketUrl() + "/?deviceId=watch&token="
                    + endpoint.tokenNow(carol, "watch")));
        }

        private <T extends AutoCloseable> T keep(T closeable) {
            open.add(closeable);
            return closeable;
        }

        private long started;

        /**
         * Alice and bob send their messages, four each every 300 ms, while {@code fault} is
         * injected every {@code period} until every send is confirmed.
         */
        List<Sent> sendWhile(Runnable fault, Duration period) throws InterruptedException {
            started = System.nanoTime();
            List<CompletableFuture<Sent>> sends = new ArrayList<>();
            long nextRound = 0;
            long nextFault = 0;
            int i = 0;
            while (i < MESSAGES_EACH || !CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).isDone()) {
                long now = System.nanoTime() / 1_000_000;
                if (i < MESSAGES_EACH && now >= nextRound) {
                    for (int k = 0; k < 4 && i < MESSAGES_EACH; k++, i++) {
                        sends.add(aliceClient.sendText(To.conversation(group), "alice " + i));
                        sends.add(bobClient.sendText(To.conversation(group), "bob " + i));
                    }
                    nextRound = now + 300;
                }
                if (now >= nextFault) {
                    fault.run();
                    nextFault = now + period.toMillis();
                }
                Thread.sleep(10);
            }
            List<Sent> confirmed = Convergence.confirmed(sends, Duration.ofSeconds(60));
            System.out.printf("fan-out %s: %d sends confirmed after %d ms%n", group, confirmed.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return confirmed;
        }

        void assertConverged(List<Sent> confirmed) {
            Convergence.storedExactlyOnce(stored, group, confirmed);
            for (int sender = 0; sender < 2; sender++) { // alice's sends, then bob's: they alternate
                List<Sent> one = new ArrayList<>();
                for (int i = sender; i < confirmed.size(); i += 2) {
                    one.add(confirmed.get(i));
                }
                Convergence.sendOrderKept(stored, group, one);
            }
            Convergence.everyDeviceSawTheStoredTimeline(stored, group, List.of(alicePhone, bobPhone, bobTablet, carolPhone),
                    Duration.ofSeconds(60));
            // At least once by push alone: the watch never syncs, yet holds every message.
            List<Long> storedSeqs = stored.messageSeqs(group);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(pushedSeqs().keySet()).containsAll(storedSeqs));
            long duplicates = pushedSeqs().values().stream().filter(count -> count > 1).count();
            System.out.printf("fan-out %s: %d messages, every device caught up after %d ms; the watch got %d of them"
                    + " more than once by push%n", group, storedSeqs.size(), (System.nanoTime() - started) / 1_000_000, duplicates);
        }

        private Map<Long, Long> pushedSeqs() {
            return carolWatch.received(WsClient.messageIn(group)).stream()
                    .collect(Collectors.groupingBy((JsonNode frame) -> frame.get("seq").asLong(), Collectors.counting()));
        }
    }
}
