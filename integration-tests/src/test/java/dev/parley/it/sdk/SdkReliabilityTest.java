package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.model.domain.ConversationId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The reliability suites of issue 3, through the SDK on the shared runtime: whatever goes wrong
 * on the way, every application sees every stored message of its conversations once, in seq
 * order, the same order on every member's every device.
 */
class SdkReliabilityTest {

    @Test
    void fiveClientsSendAHundredMessagesEachWhileConnectionsDropAtRandom() throws Exception {
        List<String> users = IntStream.range(0, 5).mapToObj(i -> Parley.user("u" + i)).toList();
        String group = Sdk.createGroup(users.get(0), users.subList(1, 5));
        List<Sdk.App> apps = new ArrayList<>();
        List<ParleyClient> phones = new ArrayList<>();
        List<ParleyClient> all = new ArrayList<>();
        AtomicBoolean chaos = new AtomicBoolean(true);
        AtomicInteger drops = new AtomicInteger();
        try {
            for (String user : users) {
                Sdk.App app = new Sdk.App(user + "-phone");
                apps.add(app);
                ParleyClient phone = Sdk.connect(user, "phone", app);
                phones.add(phone);
                all.add(phone);
            }
            Sdk.App laptop = new Sdk.App(users.get(0) + "-laptop"); // a second device of u0
            apps.add(laptop);
            all.add(Sdk.connect(users.get(0), "laptop", laptop));

            Thread dropper = new Thread(() -> {
                Random random = new Random(42);
                while (chaos.get()) {
                    List<String> ids = Stored.connectionsOf(users.get(random.nextInt(users.size())));
                    if (!ids.isEmpty() && Parley.runtime().gateway().disconnect(ids.get(random.nextInt(ids.size())))) {
                        drops.incrementAndGet();
                    }
                    sleep(100 + random.nextInt(200));
                }
            }, "connection-dropper");
            dropper.start();

            // Each user: 100 messages, alternating between the group and the direct conversation
            // with the next user (5 x 50 into the group, 50 into each of five direct conversations).
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                for (int u = 0; u < 5; u++) {
                    To to = i % 2 == 0 ? To.conversation(group) : To.user(users.get((u + 1) % 5));
                    sent.add(phones.get(u).sendText(to, users.get(u) + " #" + i));
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            chaos.set(false);
            dropper.join();
            assertThat(drops.get()).as("connections dropped").isGreaterThan(5);

            assertThat(Sdk.storedSeqs(group)).hasSize(250);
            for (Sdk.App app : apps) {
                app.sawExactlyTheStoredTimeline(group);
            }
            for (int u = 0; u < 5; u++) {
                String direct = ConversationId.direct(users.get(u), users.get((u + 1) % 5));
                assertThat(Sdk.storedSeqs(direct)).hasSize(50);
                apps.get(u).sawExactlyTheStoredTimeline(direct);
                apps.get((u + 1) % 5).sawExactlyTheStoredTimeline(direct);
            }
            apps.get(5).sawExactlyTheStoredTimeline(ConversationId.direct(users.get(0), users.get(1)));
            apps.get(5).sawExactlyTheStoredTimeline(ConversationId.direct(users.get(4), users.get(0)));
        } finally {
            chaos.set(false);
            all.forEach(ParleyClient::close);
        }
    }

    @Test
    void pushesTheConnectionsApiRefusesWith500Or410AreMadeUpForBySync() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String group = Sdk.createGroup(alice, List.of(bob, carol));
        String direct = ConversationId.direct(alice, bob);
        Random random = new Random(7);
        AtomicInteger refused = new AtomicInteger();
        // Only this test's conversations are affected: other tests share the runtime (one at a time).
        Parley.runtime().connectionsApi().setFaults((connectionId, frame) -> {
            if (!frame.contains(group) && !frame.contains(direct)) {
                return 0;
            }
            double roll;
            synchronized (random) {
                roll = random.nextDouble();
            }
            if (roll < 0.15) {
                refused.incrementAndGet();
                return 500;
            }
            if (roll < 0.20) {
                // A connection that went away as the post was made: gone, as API Gateway says 410.
                refused.incrementAndGet();
                Parley.runtime().gateway().disconnect(connectionId);
                return 410;
            }
            return 0;
        });
        List<Sdk.App> apps = List.of(new Sdk.App("alice"), new Sdk.App("bob-phone"), new Sdk.App("bob-laptop"),
                new Sdk.App("carol"));
        List<ParleyClient> clients = new ArrayList<>();
        try {
            clients.add(connectWithResync(alice, "phone", apps.get(0)));
            clients.add(connectWithResync(bob, "phone", apps.get(1)));
            clients.add(connectWithResync(bob, "laptop", apps.get(2)));
            clients.add(connectWithResync(carol, "phone", apps.get(3)));
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(clients.get(0).sendText(To.conversation(group), "a" + i));
                sent.add(clients.get(1).sendText(To.conversation(group), "b" + i));
                sent.add(clients.get(3).sendText(To.conversation(group), "c" + i));
                sent.add(clients.get(2).sendText(To.user(alice), "b-laptop" + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            // Fan-out runs after the sends are answered: wait for it to meet the faults.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(refused.get()).as("posts refused").isGreaterThan(10));
            for (Sdk.App app : apps) {
                app.sawExactlyTheStoredTimeline(group);
            }
            for (Sdk.App app : apps.subList(0, 3)) {
                app.sawExactlyTheStoredTimeline(direct);
            }
        } finally {
            Parley.runtime().connectionsApi().setFaults(null);
            clients.forEach(ParleyClient::close);
        }
    }

    @Test
    void aDeviceOfflineForAWholeConversationOfFiveHundredMessagesCatchesUpPageByPage() throws Exception {
        String bob = Parley.user("bob");
        List<String> senders = IntStream.range(0, 5).mapToObj(i -> Parley.user("s" + i)).toList();
        String group = Sdk.createGroup(senders.get(0), List.of(senders.get(1), senders.get(2), senders.get(3),
                senders.get(4), bob));
        InMemoryCursorStore bobCursors = new InMemoryCursorStore();
        Sdk.App before = new Sdk.App("bob-before", bobCursors);
        try (ParleyClient b = Sdk.connect(bob, "phone", before)) {
            Sdk.await().until(() -> before.conversations.get().stream().anyMatch(c -> c.conversationId().equals(group)));
        }
        // Seq 1 is the group's creation (a member entry), delivered like any entry: the cursor holds it.
        Sdk.await().until(() -> bobCursors.load().getOrDefault(group, 0L) == 1L);

        List<ParleyClient> clients = new ArrayList<>();
        try {
            for (String sender : senders) {
                clients.add(Sdk.connect(sender, "phone", new Sdk.App(sender)));
            }
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                for (ParleyClient client : clients) {
                    sent.add(client.sendText(To.conversation(group), "m" + i));
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            clients.forEach(ParleyClient::close);
        }
        assertThat(Sdk.storedSeqs(group)).hasSize(500);
        dev.parley.it.support.Inbox.awaitApplied(bob, group, 501); // unread is applied by fan-out (seq 1: the creation)

        // Back online: nothing is pushed any more. The sync lists the group with its newest 100 messages;
        // the other 400 come by history, page by page down to the cursor.
        Sdk.App after = new Sdk.App("bob-after", bobCursors);
        try (ParleyClient b = Sdk.builder(Parley.runtime().websocketUrl(), bob, "phone", after).syncPageSize(100).build()) {
            b.connect().get(30, TimeUnit.SECONDS);
            // connect() completes once the sync rounds are done and their messages were delivered.
            assertThat(after.seqs(group)).isEqualTo(Sdk.storedSeqs(group));
            after.sawExactlyTheStoredTimeline(group);
            assertThat(after.unread(group)).isEqualTo(500);
            assertThat(after.totalUnread.get()).isEqualTo(500);
            assertThat(bobCursors.load().get(group)).isEqualTo(501L);
        }
    }

    private static ParleyClient connectWithResync(String user, String device, Sdk.App app) {
        ParleyClient client = Sdk.builder(Parley.runtime().websocketUrl(), user, device, app)
                .resyncInterval(Duration.ofSeconds(1)).build();
        client.connect().join();
        return client;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
