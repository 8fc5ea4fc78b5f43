package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Issue 3, suite 3: DynamoDB throttles. The faults are raised inside the functions' real AWS SDK
 * client by an {@code ExecutionInterceptor} ({@link DynamoFaults}), so what absorbs them is the
 * SDK's own retry policy (9 attempts, throttling backoff), then the functions' error handling,
 * then the client SDK's resend with the same clientMsgId: nothing is mocked.
 */
class DynamoThrottlingTest {
    private static LocalRuntime runtime;
    private static DynamoFaults faults;
    private static Endpoint endpoint;
    private static Timeline stored;

    private final List<ParleyClient> clients = new ArrayList<>();

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
        faults = new DynamoFaults(Backends.table(options, Setting.CONNECTIONS_TABLE));
        runtime = LocalRuntime.start(options.toBuilder().dynamoInterceptor(faults).build());
        endpoint = Endpoint.of(runtime);
        stored = Timeline.storedIn(runtime);
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    @AfterEach
    void closeClients() {
        if (faults != null) {
            faults.reset();
        }
        clients.forEach(ParleyClient::close);
    }

    @Test
    void throttledCallsAreRetriedByTheSdkAndEveryDeviceGetsEveryMessageOnceInOrder() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + suffix;
        String bob = "bob-" + suffix;
        String carol = "carol-" + suffix;
        String group = endpoint.createGroup(alice, List.of(bob, carol));
        Device alicePhone = new Device("alice/phone");
        Device bobPhone = new Device("bob/phone");
        Device carolPhone = new Device("carol/phone");
        Device carolTablet = new Device("carol/tablet");
        ParleyClient a = keep(endpoint.connect(alice, "phone", alicePhone));
        ParleyClient b = keep(endpoint.connect(bob, "phone", bobPhone));
        keep(endpoint.connect(carol, "phone", carolPhone));
        int deadLettersBefore = runtime.streamPoller().deadLetters().size();

        // One attempt in ten of every DynamoDB call (sends, fan-out lookups, $connect, sync,
        // heartbeats, acks) is refused as throttled while the conversation runs.
        faults.throttleOneAttemptIn(10);
        long started = System.nanoTime();
        List<CompletableFuture<Sent>> sends = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sends.add(a.sendText(To.conversation(group), "alice " + i));
            sends.add(b.sendText(To.conversation(group), "bob " + i));
        }
        // A device that comes online in the middle catches up by sync, throttled too.
        keep(endpoint.client(carol, "tablet", carolTablet).build()).connect();
        List<Sent> confirmed = Convergence.confirmed(sends, Duration.ofSeconds(90));
        Convergence.everyDeviceSawTheStoredTimeline(stored, group, List.of(alicePhone, bobPhone, carolPhone, carolTablet),
                Duration.ofSeconds(60));
        faults.reset();
        System.out.printf("throttling: %d sends, %d attempts throttled, %d calls recovered by the SDK's retries,"
                        + " %d calls given up; converged after %d ms%n", confirmed.size(), faults.throttledAttempts(),
                faults.recoveredAfterThrottling(), faults.failedAfterThrottling(), (System.nanoTime() - started) / 1_000_000);

        Convergence.storedExactlyOnce(stored, group, confirmed);
        Convergence.sendOrderKept(stored, group, everyOther(confirmed, 0));
        Convergence.sendOrderKept(stored, group, everyOther(confirmed, 1));
        assertThat(faults.throttledAttempts()).as("attempts throttled").isGreaterThanOrEqualTo(20);
        assertThat(faults.recoveredAfterThrottling()).as("calls that succeeded on an SDK retry after throttling")
                .isGreaterThanOrEqualTo(20);
        assertThat(runtime.streamPoller().deadLetters()).hasSize(deadLettersBefore);
    }

    @Test
    void aSendWhoseClaimTheSdkGivesUpOnIsAnsweredInternalResentAndStoredOnceItsSeqDeclaredAGap() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + suffix;
        String bob = "bob-" + suffix;
        String group = endpoint.createGroup(alice, List.of(bob));
        Device alicePhone = new Device("alice/phone");
        Device bobPhone = new Device("bob/phone");
        Device bobTablet = new Device("bob/tablet");
        ParleyClient a = keep(endpoint.connect(alice, "phone", alicePhone));
        keep(endpoint.connect(bob, "phone", bobPhone));
        keep(endpoint.connect(bob, "tablet", bobTablet));
        String idempotencyTable = runtime.config().get(Setting.IDEMPOTENCY_TABLE);

        List<CompletableFuture<Sent>> sends = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            if (i == 3) {
                // The idempotency claim of the next send fails on all 9 attempts of the SDK: the
                // seq it drew must become a gap, and the resend must land once.
                faults.failEveryAttemptOf(request -> request instanceof PutItemRequest put
                        && idempotencyTable.equals(put.tableName()), 1);
            }
            sends.add(a.sendText(To.conversation(group), "alice " + i));
        }
        List<Sent> confirmed = Convergence.confirmed(sends, Duration.ofSeconds(60));

        assertThat(faults.doomed()).isEqualTo(1);
        Convergence.storedExactlyOnce(stored, group, confirmed);
        Convergence.sendOrderKept(stored, group, confirmed);
        // The resend may be confirmed before the first attempt has spent its 9 SDK attempts; that
        // attempt declares its seq a gap when it gives up.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stored.gapSeqs(group)).as("seqs declared gaps in " + stored.entries(group)).isNotEmpty());
        assertThat(stored.messages(group)).hasSize(10);
        Convergence.everyDeviceSawTheStoredTimeline(stored, group, List.of(alicePhone, bobPhone, bobTablet),
                Duration.ofSeconds(30));
    }

    private static List<Sent> everyOther(List<Sent> interleaved, int first) {
        List<Sent> picked = new ArrayList<>();
        for (int i = first; i < interleaved.size(); i += 2) {
            picked.add(interleaved.get(i));
        }
        return picked;
    }

    private ParleyClient keep(ParleyClient client) {
        clients.add(client);
        return client;
    }
}
