package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.store.dynamodb.DynamoMessageStore;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fan-out's writes into the sync store, over DynamoDB Local. */
class InboxWriterTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final DynamoInboxStore inbox = new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE));
    private final DynamoMessageStore messages = new DynamoMessageStore(TestDynamo.client(), TestDynamo.table(Setting.MESSAGES_TABLE));
    private final DynamoConversationStore conversations =
            new DynamoConversationStore(TestDynamo.client(), TestDynamo.table(Setting.CONVERSATIONS_TABLE));
    private final InboxWriter writer = new InboxWriter(inbox, messages, conversations, pool, Clock.systemUTC());
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String alice = "alice-" + suffix;
    private final String bob = "bob-" + suffix;
    private final String carol = "carol-" + suffix;
    private final String group = "grp:g" + suffix;

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private Message stored(long seq, String sender, String body) {
        Message message = new Message(group, seq, sender, "c" + seq, body, 1_800_000_000_000L + seq);
        messages.putIfAbsent(message, "origin");
        return message;
    }

    private static List<Delivery> deliveries(TimelineEntry... entries) {
        List<Delivery> deliveries = new ArrayList<>();
        for (TimelineEntry entry : entries) {
            deliveries.add(new Delivery(entry.conversationId() + "/" + entry.seq(), entry, null));
        }
        return deliveries;
    }

    private Map<String, Map<String, Long>> members(Map<String, Long> joined) {
        return Map.of(group, joined);
    }

    private InboxEntry entryOf(String user) {
        return inbox.entry(user, group).orElseThrow();
    }

    @Test
    void everyMemberGetsTheConversationMovedAndOthersMessagesCountedOnceEvenWhenTheBatchIsReplayed() {
        conversations.createGroup(group, "team", alice, List.of(alice, bob, carol), 1);
        List<Delivery> batch = deliveries(stored(1, alice, "{\"text\":\"hi\"}"),
                stored(2, alice, "{\"text\":\"@bob\",\"mentions\":[\"" + bob + "\"]}"), new Gap(group, 3));
        Map<String, Long> joined = new LinkedHashMap<>(Map.of(alice, 0L, bob, 0L, carol, 2L));

        assertThat(writer.apply(batch, members(joined), Set.of())).isEmpty();
        assertThat(writer.apply(batch, members(joined), Set.of())).isEmpty();

        assertThat(entryOf(bob)).satisfies(entry -> {
            assertThat(entry.unread()).isEqualTo(2);
            assertThat(entry.unreadMentions()).isEqualTo(1);
            assertThat(entry.lastSeq()).isEqualTo(3);
            assertThat(entry.name()).isEqualTo("team");
        });
        assertThat(entryOf(alice).unread()).isZero();
        assertThat(entryOf(alice).lastSeq()).isEqualTo(3);
        assertThat(entryOf(carol).unread()).isZero(); // joined after seq 2: only the gap is theirs
        assertThat(entryOf(carol).lastSeq()).isEqualTo(3);
    }

    @Test
    void aPartialReadIsRecountedFromTheTimeline() {
        List<Delivery> batch = new ArrayList<>();
        for (long seq = 1; seq <= 6; seq++) {
            batch.addAll(deliveries(stored(seq, seq % 2 == 0 ? bob : alice, "{\"text\":\"m\"}")));
        }
        writer.apply(batch, members(Map.of(alice, 0L, bob, 0L)), Set.of());

        inbox.markRead(bob, group, 2, 0, new MessageStoreTally(messages), System.currentTimeMillis());

        assertThat(entryOf(bob).unread()).isEqualTo(2); // 3 and 5 are alice's; 4 and 6 bob's own
    }

    @Test
    void aConversationOlderThanTheStoreIsRebuiltOnceFromTheTimeline() {
        int older = InboxStore.MAX_PENDING + 20;
        List<CompletableFuture<Message>> writes = LongStream.rangeClosed(1, older)
                .mapToObj(seq -> CompletableFuture.supplyAsync(() -> stored(seq, seq % 4 == 0 ? bob : alice, "{}"), pool))
                .toList();
        writes.forEach(CompletableFuture::join);
        Message next = stored(older + 1, alice, "{\"mentions\":[\"" + bob + "\"]}");

        assertThat(writer.apply(deliveries(next), members(Map.of(alice, 0L, bob, 0L)), Set.of())).isEmpty();

        long fromAlice = LongStream.rangeClosed(1, older + 1).filter(seq -> seq % 4 != 0).count();
        assertThat(entryOf(bob)).satisfies(entry -> {
            assertThat(entry.unread()).isEqualTo(fromAlice);
            assertThat(entry.unreadMentions()).isEqualTo(1);
            assertThat(entry.lastSeq()).isEqualTo(older + 1);
            assertThat(entry.pending()).isEmpty();
        });
    }

    @Test
    void mentionsAreReadFromTheBody() {
        assertThat(InboxWriter.mentions("{\"text\":\"x\",\"mentions\":[\"a\",\"b\",3]}")).containsExactlyInAnyOrder("a", "b");
        assertThat(InboxWriter.mentions("{\"text\":\"mentions\"}")).isEmpty();
        assertThat(InboxWriter.mentions("{\"mentions\":\"a\"}")).isEmpty();
    }
}
