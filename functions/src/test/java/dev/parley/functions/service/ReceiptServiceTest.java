package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.NotMemberException;
import dev.parley.model.protocol.ClientCommand;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** ack and read only in conversations the caller is in; nothing is written otherwise. */
class ReceiptServiceTest {
    private final InMemoryConversationStore conversations = new InMemoryConversationStore();
    private final InMemoryConnectionStore connections = new InMemoryConnectionStore();
    private final ReceiptService receipts = new ReceiptService(conversations, new ConversationAccess(conversations),
            new Broadcaster(connections, new Poster(connections, () -> (id, frame) -> ConnectionPusher.Outcome.DELIVERED),
                    Executors.newFixedThreadPool(2)),
            Budget.unlimited("ack"), Budget.unlimited("read"));
    private final Caller mallory = new Caller("mallory", "phone", "conn-m");

    @Test
    void anAckOfADirectConversationWithNoMessageIsNotMemberAndWritesNothing() {
        for (int i = 0; i < 50; i++) {
            String conversation = ConversationId.direct("mallory", "anyone-" + i);
            assertThatThrownBy(() -> receipts.ack(mallory, new ClientCommand.Ack("r", conversation, 1)))
                    .isInstanceOf(NotMemberException.class);
        }
        assertThat(conversations.ackItems()).isZero();
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
        assertThat(conversations.ackItems()).isZero();
    }

    @Test
    void aMemberAcksAndReads() {
        String conversation = ConversationId.direct("alice", "bob");
        conversations.allocateSeq(conversation, 1);
        conversations.recordDirectMembers(conversation, List.of("alice", "bob"), 1);
        Caller bob = new Caller("bob", "phone", "conn-b");
        receipts.ack(bob, new ClientCommand.Ack("r", conversation, 1));
        receipts.read(bob, new ClientCommand.Read("r", conversation, 1));
        assertThat(conversations.ackItems()).isEqualTo(1);
        assertThat(conversations.membership(conversation, "bob").orElseThrow().readSeq()).isEqualTo(1);
    }
}
