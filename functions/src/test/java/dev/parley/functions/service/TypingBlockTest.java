package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.store.Connection;
import dev.parley.functions.support.memory.InMemoryBlockStore;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import dev.parley.functions.support.memory.InMemoryConversationStore;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** A blocked user's typing signals in the direct conversation reach nobody; the blocker's still do. */
class TypingBlockTest {
    private final InMemoryConnectionStore connections = new InMemoryConnectionStore();
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final InMemoryBlockStore blocks = new InMemoryBlockStore();
    private final TypingService typing = new TypingService(new ConversationAccess(new InMemoryConversationStore()),
            new Broadcaster(connections, new Poster(connections, () -> (connectionId, frame) -> {
                posted.add(connectionId);
                return ConnectionPusher.Outcome.DELIVERED;
            }), Executors.newFixedThreadPool(2)), Clock.systemUTC(), blocks);

    @Test
    void aBlockedSendersTypingIsAcceptedAndRelayedToNobody() {
        long now = System.currentTimeMillis();
        connections.save(new Connection("alice", "A1", "phone", now, now), 60);
        connections.save(new Connection("bob", "B1", "phone", now, now), 60);
        blocks.block("alice", "bob", now);

        assertThat(typing.typing(new dev.parley.functions.service.Caller("bob", "phone", "B1"),
                new ClientCommand.Typing(null, "dm:alice:bob", true))).isZero();
        assertThat(posted).isEmpty();
        assertThat(typing.typing(new dev.parley.functions.service.Caller("alice", "phone", "A1"),
                new ClientCommand.Typing(null, "dm:alice:bob", true))).isEqualTo(1);
        assertThat(posted).containsExactly("B1");
    }
}
