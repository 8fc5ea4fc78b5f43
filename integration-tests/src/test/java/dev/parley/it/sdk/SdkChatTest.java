package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.ConnectionState;
import dev.parley.client.ErrorCode;
import dev.parley.client.HistoryPage;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.client.ReadReceipt;
import dev.parley.client.Sent;
import dev.parley.client.ServerErrorException;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.model.domain.ConversationId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Two applications chatting through the SDK, against the local runtime over real sockets. */
class SdkChatTest {

    @Test
    void twoClientsChatAndEachAppSeesEveryMessageOnceInSeqOrderOwnMessagesIncluded() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp); ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            // Both talk at once, without waiting for each other: 30 messages each.
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                sent.add(a.sendText(To.user(bob), "a" + i));
                sent.add(b.sendText(To.user(alice), "b" + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            assertThat(sent).allSatisfy(f -> assertThat(f.join().conversationId()).isEqualTo(conversation));

            aliceApp.sawExactlyTheStoredTimeline(conversation);
            bobApp.sawExactlyTheStoredTimeline(conversation);
            assertThat(aliceApp.seqs(conversation)).isEqualTo(bobApp.seqs(conversation));
            // Each side's own messages keep the order they were sent in.
            assertThat(aliceApp.texts(conversation).stream().filter(t -> t.startsWith("a")).toList())
                    .isEqualTo(IntStream.rangeClosed(1, 30).mapToObj(i -> "a" + i).toList());
            assertThat(bobApp.texts(conversation).stream().filter(t -> t.startsWith("b")).toList())
                    .isEqualTo(IntStream.rangeClosed(1, 30).mapToObj(i -> "b" + i).toList());
            // Own messages come back labelled with the own user id, matching the send's future.
            Message first = aliceApp.in(conversation).stream().filter(m -> "a1".equals(m.text())).findFirst().orElseThrow();
            assertThat(first.senderId()).isEqualTo(alice);
            assertThat(first.seq()).isEqualTo(sent.get(0).join().seq());
            assertThat(first.clientMsgId()).isEqualTo(sent.get(0).join().clientMsgId());
            assertThat(aliceApp.states).startsWith(ConnectionState.CONNECTING, ConnectionState.SYNCING, ConnectionState.CONNECTED);
        }
        assertThat(aliceApp.states).endsWith(ConnectionState.CLOSED);
    }

    @Test
    void groupMembersAndTheirSecondDevicesAllSeeTheSameOrder() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String group = Sdk.createGroup(alice, List.of(bob, carol));
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobPhone = new Sdk.App("bob-phone");
        Sdk.App bobLaptop = new Sdk.App("bob-laptop");
        Sdk.App carolApp = new Sdk.App("carol");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp);
             ParleyClient b1 = Sdk.connect(bob, "phone", bobPhone);
             ParleyClient b2 = Sdk.connect(bob, "laptop", bobLaptop);
             ParleyClient c = Sdk.connect(carol, "phone", carolApp)) {
            List<CompletableFuture<Sent>> sent = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                for (ParleyClient client : List.of(a, b1, b2, c)) {
                    sent.add(client.sendText(To.conversation(group), "m" + i));
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            for (Sdk.App app : List.of(aliceApp, bobPhone, bobLaptop, carolApp)) {
                app.sawExactlyTheStoredTimeline(group);
            }
            assertThat(Sdk.storedSeqs(group)).hasSize(80);
        }
    }

    @Test
    void aNewDeviceStartsFromTheNewestPageAndPagesBackWithHistory() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"))) {
            for (int i = 1; i <= 130; i++) {
                a.sendText(To.user(bob), "m" + i);
            }
            Sdk.await().until(() -> a.pendingSends() == 0);
        }
        dev.parley.it.support.Inbox.awaitApplied(bob, conversation, 130);
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient b = Sdk.builder(Parley.runtime().websocketUrl(), bob, "tablet", bobApp).syncPageSize(50).build()) {
            b.connect().join();
            // A new device: the newest 50 messages, not the whole conversation.
            Sdk.await().untilAsserted(() -> assertThat(bobApp.seqs(conversation))
                    .isEqualTo(Sdk.storedSeqs(conversation).subList(80, 130)));
            assertThat(bobApp.unread(conversation)).isEqualTo(130);
            assertThat(bobApp.totalUnread.get()).isEqualTo(130);

            List<Long> older = new ArrayList<>();
            Long before = bobApp.seqs(conversation).get(0);
            boolean more = true;
            while (more) {
                HistoryPage page = b.history(conversation, before, 30).get();
                List<Long> seqs = page.messages().stream().map(Message::seq).toList();
                assertThat(seqs).isSorted();
                older.addAll(0, seqs);
                before = seqs.isEmpty() ? before : seqs.get(0);
                more = page.hasMore();
            }
            assertThat(older).isEqualTo(Sdk.storedSeqs(conversation).subList(0, 80));
            assertThat(bobApp.seqs(conversation)).hasSize(50); // history is not replayed through onMessage
        }
    }

    @Test
    void cursorsTheAppKeepsLetARestartedClientResumeWithoutRedelivery() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        InMemoryCursorStore bobCursors = new InMemoryCursorStore();
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"))) {
            Sdk.App firstRun = new Sdk.App("bob-1", bobCursors);
            try (ParleyClient b = Sdk.connect(bob, "phone", firstRun)) {
                a.sendText(To.user(bob), "one").join();
                a.sendText(To.user(bob), "two").join();
                Sdk.await().until(() -> firstRun.seqs(conversation).size() == 2);
            }
            Sdk.await().until(() -> bobCursors.load().getOrDefault(conversation, 0L) == 2L);
            a.sendText(To.user(bob), "three").join(); // while bob's app is not running

            Sdk.App secondRun = new Sdk.App("bob-2", bobCursors);
            try (ParleyClient b = Sdk.connect(bob, "phone", secondRun)) {
                a.sendText(To.user(bob), "four").join();
                Sdk.await().untilAsserted(() -> assertThat(secondRun.texts(conversation)).containsExactly("three", "four"));
            }
        }
    }

    @Test
    void markReadMovesTheUnreadCountAndReachesThePeerAndTheOtherDevice() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobPhone = new Sdk.App("bob-phone");
        Sdk.App bobLaptop = new Sdk.App("bob-laptop");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp);
             ParleyClient b1 = Sdk.connect(bob, "phone", bobPhone);
             ParleyClient b2 = Sdk.connect(bob, "laptop", bobLaptop)) {
            long last = 0;
            for (int i = 1; i <= 5; i++) {
                last = a.sendText(To.user(bob), "m" + i).join().seq();
            }
            long read = last;
            Sdk.await().until(() -> bobPhone.seqs(conversation).size() == 5);
            b1.markRead(conversation, read);
            ReadReceipt expected = new ReadReceipt(conversation, bob, read);
            Sdk.await().untilAsserted(() -> assertThat(aliceApp.reads).contains(expected));
            Sdk.await().untilAsserted(() -> assertThat(bobLaptop.reads).contains(expected));
        }
        // A later sync reports the moved cursor: nothing unread for bob.
        Sdk.App bobAgain = new Sdk.App("bob-again");
        try (ParleyClient b = Sdk.connect(bob, "tablet", bobAgain)) {
            Sdk.await().until(() -> bobAgain.unread(conversation) == 0 && bobAgain.totalUnread.get() == 0);
        }
    }

    @Test
    void aDefinitiveRefusalFailsTheSendFutureAndLaterSendsStillGoOut() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"))) {
            CompletableFuture<Sent> notMine = a.sendText(To.conversation(ConversationId.direct(bob, carol)), "hi");
            assertThatThrownBy(notMine::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ServerErrorException.class)
                    .satisfies(e -> assertThat(((ServerErrorException) e).code()).isEqualTo(ErrorCode.NOT_MEMBER));
            assertThat(a.sendText(To.user(bob), "still works").join().seq()).isEqualTo(1);
            assertThat(a.pendingSends()).isZero();
        }
    }
}
