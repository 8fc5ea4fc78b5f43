package dev.parley.it;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IdempotencyAndOrderTest {

    @Test
    void aRetriedSendReturnsTheSameSeqAndStoresOneMessage() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            JsonNode first = a.send(bob, "retry-me", "once");
            JsonNode retry = a.send(bob, "retry-me", "once");
            assertThat(retry.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
            assertThat(retry.get("sentAt").asLong()).isEqualTo(first.get("sentAt").asLong());

            // A later message shows the retry's push (if any) is no new message.
            JsonNode next = a.send(bob, "after", "next");
            b.await(f -> messageIn(conversation).test(f) && f.get("clientMsgId").asText().equals("after"));
            assertThat(Stored.messages(conversation))
                    .extracting(item -> item.get(Tables.Messages.CLIENT_MSG_ID).s())
                    .containsExactly("retry-me", "after");
            assertThat(next.get("seq").asLong()).isGreaterThan(first.get("seq").asLong());
        }
    }

    @Test
    void retriesFromAnotherDeviceOfTheSameUserAreTheSameSend() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (WsClient phone = Parley.connect(alice, "phone"); WsClient laptop = Parley.connect(alice, "laptop")) {
            long seq = phone.send(bob, "shared-id", "hi").get("seq").asLong();
            assertThat(laptop.send(bob, "shared-id", "hi").get("seq").asLong()).isEqualTo(seq);
        }
        assertThat(Stored.messages(ConversationId.direct(alice, bob))).hasSize(1);
    }

    @Test
    void theSameClientMsgIdFromAnotherSenderIsAnotherMessage() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            long fromAlice = a.send(bob, "m-1", "from alice").get("seq").asLong();
            long fromBob = b.send(alice, "m-1", "from bob").get("seq").asLong();
            assertThat(fromBob).isNotEqualTo(fromAlice);
        }
        assertThat(Stored.messages(ConversationId.direct(alice, bob))).hasSize(2);
    }

    @Test
    void concurrentRetriesOfOneSendGetOneSeqAndStoreOneMessage() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient phone = Parley.connect(alice, "phone"); WsClient laptop = Parley.connect(alice, "laptop");
             WsClient b = Parley.connect(bob)) {
            for (int round = 0; round < 5; round++) {
                String clientMsgId = "race-" + round;
                CompletableFuture<JsonNode> one = CompletableFuture.supplyAsync(() -> phone.send(bob, clientMsgId, "x"));
                CompletableFuture<JsonNode> two = CompletableFuture.supplyAsync(() -> laptop.send(bob, clientMsgId, "x"));
                assertThat(one.join().get("seq").asLong()).isEqualTo(two.join().get("seq").asLong());
            }
            List<JsonNode> pushed = b.awaitCount(messageIn(conversation), 5);
            assertThat(pushed).extracting(f -> f.get("clientMsgId").asText()).doesNotHaveDuplicates();
        }
        var stored = Stored.messages(conversation);
        assertThat(stored).hasSize(5);
        assertThat(stored).extracting(item -> item.get(Tables.Messages.CLIENT_MSG_ID).s()).doesNotHaveDuplicates();
        // The seqs the losing attempts allocated are declared gaps, never left empty.
        var timeline = Stored.timeline(conversation);
        long lastSeq = timeline.stream().mapToLong(item -> Long.parseLong(item.get(Tables.Messages.SEQ).n())).max().orElseThrow();
        assertThat(timeline).hasSize((int) lastSeq);
    }

    @Test
    void tenConcurrentSendsGetDistinctConsecutiveSeqsSeenInOrderByEveryone() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String conversation = ConversationId.direct(alice, bob);
        List<WsClient> senders = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try (WsClient bobPhone = Parley.connect(bob, "phone"); WsClient bobLaptop = Parley.connect(bob, "laptop")) {
            for (int i = 0; i < 10; i++) {
                senders.add(Parley.connect(alice, "device-" + i));
            }
            List<CompletableFuture<JsonNode>> replies = IntStream.range(0, 10)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> senders.get(i).send(bob, "c-" + i, "n" + i), pool))
                    .toList();
            List<Long> seqs = replies.stream().map(r -> r.join().get("seq").asLong()).sorted().toList();
            assertThat(seqs).containsExactlyElementsOf(LongRange.of(1, 10));

            for (WsClient device : List.of(bobPhone, bobLaptop)) {
                List<Long> seen = device.awaitCount(messageIn(conversation), 10).stream()
                        .map(f -> f.get("seq").asLong()).toList();
                assertThat(seen).containsExactlyInAnyOrderElementsOf(LongRange.of(1, 10));
            }
            // Each of Alice's devices sees the other nine messages (its own came back as `sent`).
            for (WsClient device : senders) {
                assertThat(device.awaitCount(messageIn(conversation), 9)).hasSize(9);
            }
            assertThat(Parley.connect(carol).sendTo(conversation, "intruder", "hi").get("code").asText())
                    .isEqualTo("NOT_MEMBER");
        } finally {
            senders.forEach(WsClient::close);
            pool.shutdownNow();
        }
        assertThat(Stored.messages(conversation)).extracting(item -> Long.parseLong(item.get(Tables.Messages.SEQ).n()))
                .containsExactlyElementsOf(LongRange.of(1, 10));
    }

    /** Closed ranges of seqs, for readable assertions. */
    static final class LongRange {
        static List<Long> of(long from, long to) {
            List<Long> values = new ArrayList<>();
            for (long v = from; v <= to; v++) {
                values.add(v);
            }
            return values;
        }
    }

}
