package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.support.TestDynamo;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.NotMemberException;
import dev.parley.model.config.Setting;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * ack and read only in conversations the caller is in; nothing is written otherwise. Acks and
 * read positions live in the caller's partition of the sync store (DynamoDB Local here).
 */
class ReceiptServiceTest {
    private static final String RUN = Long.toString(System.nanoTime(), 36);
    private final InMemoryConversationStore conversations = new InMemoryConversationStore();
    private final InMemoryConnectionStore connections = new InMemoryConnectionStore();
    private final DynamoInboxStore inbox = new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE));
    private final ReceiptService receipts = new ReceiptService(conversations, inbox,
            (conversationId, afterSeq, upToSeq, userId, excluding) -> new InboxStore.Counts(0, 0),
            new ConversationAccess(conversations),
            new Broadcaster(connections, new Poster(connections, () -> (id, frame) -> ConnectionPusher.Outcome.DELIVERED),
                    Executors.newFixedThreadPool(2)),
            Clock.systemUTC(), Budget.unlimited("ack"), Budget.unlimited("read"));
    private final Caller mallory = new Caller("mallory-" + RUN, "phone", "conn-m");

    @Test
    void anAckOfADirectConversationWithNoMessageIsNotMemberAndWritesNothing() {
        for (int i = 0; i < 50; i++) {
            String conversation = ConversationId.direct(mallory.userId(), "anyone-" + i);
            assertThatThrownBy(() -> receipts.ack(mallory, new ClientCommand.Ack("r", conversation, 1)))
                    .isInstanceOf(NotMemberException.class);
            assertThat(inbox.ack(mallory.userId(), "phone", conversation)).isEmpty();
        }
    }

    @Test
    void anAckOrReadOfAGroupTheCallerIsNotInIsRefused() {
        conversations.createGroup("grp:secret", "secret", "alice", List.of("alice", "bob"), 1);
        assertThatThrownBy(() -> receipts.ack(mallory, new ClientCommand.Ack("r", "grp:secret", 1)))
                .isInstanceOf(NotMemberException.class);
        assertThatThrownBy(() -> receipts.read(mallory, new ClientCommand.Read("r", "grp:secret", 1)))
                .isInstanceOf(NotMemberException.class);
        assertThatThrownBy(() -> receipts.ack(mallory, new ClientCommand.Ack("r", "grp:nowhere", 1)))
                .isInstanceOf(NotFoundException.class);
        assertThat(inbox.ack(mallory.userId(), "phone", "grp:secret")).isEmpty();
        assertThat(inbox.ack(mallory.userId(), "phone", "grp:nowhere")).isEmpty();
    }

    @Test
    void aMemberAcksAndReads() {
        String alice = "alice-" + RUN;
        String bobId = "bob-" + RUN;
        String conversation = ConversationId.direct(alice, bobId);
        conversations.allocateSeq(conversation, 1);
        conversations.recordDirectMembers(conversation, List.of(alice, bobId), 1);
        Caller bob = new Caller(bobId, "phone", "conn-b");
        receipts.ack(bob, new ClientCommand.Ack("r", conversation, 1));
        receipts.read(bob, new ClientCommand.Read("r", conversation, 1));
        assertThat(inbox.ack(bobId, "phone", conversation)).hasValue(1);
        assertThat(conversations.ackItems()).as("nothing on the conversation's key").isZero();
    }
}
