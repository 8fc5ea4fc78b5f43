package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.AuthFailedException;
import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.model.domain.ConversationId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Dropped connections and refused handshakes, with the SDK against the local runtime. */
class SdkReconnectTest {

    /** Closes every live connection of the user from the gateway side, as an API Gateway incident would. */
    static void dropConnectionsOf(String userId) {
        // Waits for a live connection first: the user may still be reconnecting from the last drop.
        Sdk.await().until(() -> Stored.connectionsOf(userId).stream()
                .map(id -> Parley.runtime().gateway().disconnect(id))
                .reduce(false, Boolean::logicalOr));
    }

    @Test
    void aDroppedClientReconnectsWithBackoffAndCatchesUpBySync() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"));
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            a.sendText(To.user(bob), "before").join();
            Sdk.await().until(() -> bobApp.seqs(conversation).size() == 1);

            // Stop bob's reconnects from racing alice's sends: the gateway drops him and alice
            // writes while he is away, so only sync can bring these to him.
            dropConnectionsOf(bob);
            Sdk.await().until(() -> bobApp.states.contains(ConnectionState.DISCONNECTED));
            for (int i = 1; i <= 25; i++) {
                a.sendText(To.user(bob), "while away " + i);
            }
            Sdk.await().until(() -> a.pendingSends() == 0);

            Sdk.await().until(() -> b.state() == ConnectionState.CONNECTED);
            bobApp.sawExactlyTheStoredTimeline(conversation);
            assertThat(bobApp.seqs(conversation)).hasSize(26);
            assertThat(bobApp.states).containsSubsequence(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED,
                    ConnectionState.CONNECTING, ConnectionState.SYNCING, ConnectionState.CONNECTED);
        }
    }

    @Test
    void repeatedDropsStillDeliverEverythingOnceInOrder() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp);
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 10; i++) {
                    sent.add(a.sendText(To.user(bob), "a" + round + "-" + i));
                    sent.add(b.sendText(To.user(alice), "b" + round + "-" + i));
                }
                dropConnectionsOf(round % 2 == 0 ? bob : alice);
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
            aliceApp.sawExactlyTheStoredTimeline(conversation);
            bobApp.sawExactlyTheStoredTimeline(conversation);
            assertThat(Stored.messages(conversation)).hasSize(100);
        }
    }

    @Test
    void pendingSendsSurviveADropAndAreStoredOnce() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp);
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            // Sends made right as the connection goes: some were on the wire (stored, their
            // `sent` lost with the connection), the rest were still queued. All are resent on the
            // new connection with the same clientMsgId.
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                sent.add(a.sendText(To.user(bob), "m" + i));
                if (i == 3) {
                    dropConnectionsOf(alice);
                }
            }
            List<Sent> confirmed = sent.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();
            assertThat(confirmed.stream().map(Sent::clientMsgId).distinct()).hasSize(20);
            assertThat(Stored.messages(conversation)).hasSize(20); // nothing stored twice
            assertThat(Sdk.storedClientMsgIds(conversation))
                    .containsExactlyElementsOf(confirmed.stream().map(Sent::clientMsgId).toList()); // in send order
            aliceApp.sawExactlyTheStoredTimeline(conversation);
            bobApp.sawExactlyTheStoredTimeline(conversation);
            assertThat(aliceApp.states).contains(ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void sendsMadeWhileDisconnectedGoOutOnReconnectWithAFreshToken() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App bobApp = new Sdk.App("bob");
        AtomicInteger tokens = new AtomicInteger();
        CountDownLatch reconnectMayProceed = new CountDownLatch(1);
        // The reconnect's token fetch is held back, so the client is certainly offline while
        // the application sends.
        try (ParleyClient a = Sdk.builder(Parley.runtime().websocketUrl(), alice, "phone", new Sdk.App("alice"))
                .tokenSupplier(() -> {
                    if (tokens.incrementAndGet() > 1) {
                        reconnectMayProceed.await();
                    }
                    return Parley.token(alice, "phone");
                })
                .build();
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            a.connect().join();
            dropConnectionsOf(alice);
            Sdk.await().until(() -> tokens.get() == 2);
            CompletableFuture<Sent> first = a.sendText(To.user(bob), "queued while offline 1");
            CompletableFuture<Sent> second = a.sendText(To.user(bob), "queued while offline 2");
            Sdk.await().until(() -> a.pendingSends() == 2);
            assertThat(a.state()).isEqualTo(ConnectionState.CONNECTING);
            assertThat(Stored.messages(conversation)).isEmpty();

            reconnectMayProceed.countDown();
            assertThat(first.orTimeout(30, TimeUnit.SECONDS).join().seq()).isEqualTo(1);
            assertThat(second.orTimeout(30, TimeUnit.SECONDS).join().seq()).isEqualTo(2);
            Sdk.await().untilAsserted(() -> assertThat(bobApp.texts(conversation))
                    .containsExactly("queued while offline 1", "queued while offline 2"));
            assertThat(tokens.get()).isEqualTo(2);
        }
    }

    @Test
    void aRefusedTokenIsReportedOnceAndNotRetriedForever() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Sdk.App app = new Sdk.App("nobody");
        try (ParleyClient client = Sdk.builder(Parley.runtime().websocketUrl(), "nobody", null, app)
                .tokenSupplier(() -> {
                    asked.incrementAndGet();
                    return "not-a-jwt";
                })
                .build()) {
            assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthFailedException.class);
            assertThat(app.authFailures).containsExactly(401);
            assertThat(client.state()).isEqualTo(ConnectionState.AUTH_FAILED);
            // The test backoff would have retried many times within a second: it must not.
            Thread.sleep(1_000);
            assertThat(asked.get()).isEqualTo(2);
            assertThat(app.authFailures).hasSize(1);
            assertThat(app.states).doesNotContain(ConnectionState.SYNCING);
        }
        assertThat(app.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.AUTH_FAILED, ConnectionState.CLOSED);
    }

    @Test
    void afterAnAuthFailureReconnectWithAValidTokenRecovers() {
        String alice = Parley.user("alice");
        AtomicInteger asked = new AtomicInteger();
        Sdk.App app = new Sdk.App("alice");
        try (ParleyClient client = Sdk.builder(Parley.runtime().websocketUrl(), alice, "phone", app)
                .tokenSupplier(() -> asked.incrementAndGet() <= 2 ? "expired" : Parley.token(alice, "phone"))
                .build()) {
            client.connect();
            Sdk.await().until(() -> client.state() == ConnectionState.AUTH_FAILED);
            client.reconnect(); // the user signed in again
            Sdk.await().until(() -> client.state() == ConnectionState.CONNECTED);
            assertThat(client.sendText(To.user(alice), "note to self").join().seq()).isEqualTo(1);
        }
    }
}
