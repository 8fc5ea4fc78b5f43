package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.store.ConversationStore.SeqAllocation;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.support.TestDynamo;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.functions.support.memory.InMemoryMessageStore;
import dev.parley.model.aws.AwsLimits;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.MessagePage;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3: every {@code synced} and {@code history} reply fits in one API Gateway message
 * (128 KB), whatever the messages weigh: pages are cut by encoded size with {@code hasMore}, and
 * paging on gets everything.
 */
class ReplySizeTest {
    private static final int CONVERSATIONS = 20;
    private static final int MESSAGES_EACH = 5;

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final InMemoryMessageStore messages = new InMemoryMessageStore();
    private final SyncService sync = new SyncService(store,
            new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE)),
            new ConversationAccess(store), new TimelineReader(messages, Clock.systemUTC()), SyncService.Budgets.unlimited(),
            Clock.systemUTC());
    private final Caller reader = new Caller("reader-" + System.nanoTime(), "new-phone", "c1");

    @Test
    void aSyncFromOldCursorsOfTwentyConversationsOfMaximumSizeMessagesComesInPagesUnderTheLimitAndMissesNothing() {
        List<String> ids = conversationsFullOfMaximumSizeMessages();
        Map<String, Long> cursors = new HashMap<>();
        ids.forEach(id -> cursors.put(id, 0L));
        List<Long> received = new ArrayList<>();
        int replies = 0;
        boolean more = true;
        while (more) {
            List<SyncService.ConversationUpdate> updates = sync.sync(reader, new ClientCommand.Sync("r", cursors, 200));
            assertFits(synced(updates));
            replies++;
            more = false;
            for (SyncService.ConversationUpdate update : updates) {
                for (Message message : update.page().messages()) {
                    received.add(message.seq());
                    cursors.put(update.summary().conversationId(), message.seq());
                }
                more |= update.page().hasMore();
            }
        }

        assertThat(received).hasSize(CONVERSATIONS * MESSAGES_EACH);
        assertThat(replies).isGreaterThan(1); // the whole backlog (about 1.6 MB) could never be one reply
    }

    @Test
    void aNewDevicesFirstSyncFitsAndEveryConversationIsListed() {
        List<String> ids = conversationsFullOfMaximumSizeMessages();

        List<SyncService.ConversationUpdate> updates = sync.sync(reader, new ClientCommand.Sync("r", Map.of(), 200));

        assertFits(synced(updates));
        assertThat(updates).extracting(update -> update.summary().conversationId()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(updates).allSatisfy(update -> assertThat(update.summary().lastSeq()).isEqualTo(MESSAGES_EACH));
        // a page cut short keeps the newest messages and says older ones exist
        assertThat(updates).filteredOn(update -> update.page().messages().size() < MESSAGES_EACH)
                .isNotEmpty()
                .allSatisfy(update -> {
                    assertThat(update.page().hasMore()).isTrue();
                    if (!update.page().messages().isEmpty()) {
                        assertThat(update.page().messages().get(update.page().messages().size() - 1).seq())
                                .isEqualTo(MESSAGES_EACH);
                    }
                });
    }

    @Test
    void aHistoryOfTwoHundredMaximumSizeMessagesComesInPagesUnderTheLimitBackToTheFirst() {
        String id = ConversationId.direct(reader.userId(), "writer");
        write(id, "writer", 200);
        List<Long> received = new ArrayList<>();
        Long before = null;
        boolean more = true;
        while (more) {
            MessagePage page = sync.history(reader, new ClientCommand.History("h", id, before, 200));
            assertFits(new ServerFrame.HistoryPage("h", id, page.messages(), page.hasMore()));
            assertThat(page.messages()).isNotEmpty();
            received.addAll(0, page.messages().stream().map(Message::seq).toList());
            before = page.messages().get(0).seq();
            more = page.hasMore();
        }

        assertThat(received).hasSize(200).isSorted().startsWith(1L).endsWith(200L);
    }

    private List<String> conversationsFullOfMaximumSizeMessages() {
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            String id = ConversationId.direct(reader.userId(), "writer-" + c);
            write(id, "writer-" + c, MESSAGES_EACH);
            ids.add(id);
        }
        return ids;
    }

    private void write(String conversationId, String author, int count) {
        for (int i = 0; i < count; i++) {
            SeqAllocation seq = store.allocateSeq(conversationId, 1);
            if (!seq.membersRecorded()) {
                store.recordDirectMembers(conversationId, List.of(reader.userId(), author), 1);
            }
            messages.putIfAbsent(new Message(conversationId, seq.seq(), author, "m" + i, maximumBody(), 1), "c");
        }
    }

    /** A body of exactly the largest serialized size a send accepts, with characters JSON escapes. */
    private static String maximumBody() {
        String prefix = "{\"text\":\"";
        String suffix = "\"}";
        StringBuilder text = new StringBuilder();
        while (prefix.length() + text.length() + suffix.length() + 2 <= FrameCodec.MAX_BODY_BYTES) {
            text.append(text.length() % 50 == 0 ? "\\n" : "x");
        }
        while (prefix.length() + text.length() + suffix.length() < FrameCodec.MAX_BODY_BYTES) {
            text.append('y');
        }
        String body = prefix + text + suffix;
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(FrameCodec.MAX_BODY_BYTES);
        return body;
    }

    private static ServerFrame synced(List<SyncService.ConversationUpdate> updates) {
        return new ServerFrame.Synced("r", updates.stream().map(update -> new ServerFrame.ConversationSync(
                update.summary().conversationId(), update.summary().kind(), update.summary().name(),
                update.summary().lastSeq(), update.summary().readSeq(), update.summary().unread(),
                update.page().messages(), update.page().hasMore())).toList());
    }

    private static void assertFits(ServerFrame frame) {
        int bytes = FrameCodec.encode(frame).getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).isLessThanOrEqualTo(AwsLimits.REPLY_BUDGET_BYTES).isLessThan(AwsLimits.WEBSOCKET_MESSAGE_BYTES);
    }
}
