package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.push.ConnectionCheck;
import dev.parley.functions.store.Connection;
import dev.parley.functions.support.memory.InMemoryConnectionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The connect limit counts the connections the gateway still holds: records left by connections
 * whose {@code $disconnect} never ran (best effort on API Gateway; none at all after the gateway
 * restarted) do not lock their user out.
 */
class ConnectLimitTest {
    private static final long NOW = 1_800_000_000_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    /** The connections the gateway holds; every other one answers 410. */
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final ConnectionService connections = new ConnectionService(store, null, clock, 7_800,
            new ConnectionService.Limits(3, Duration.ofSeconds(90), Budget.unlimited("heartbeat")), null,
            () -> connectionId -> {
                asked.add(connectionId);
                return open.contains(connectionId) ? ConnectionCheck.Answer.OPEN : ConnectionCheck.Answer.GONE;
            });

    private void recorded(String connectionId, long connectedAt) {
        store.save(new Connection("alice", connectionId, connectionId, connectedAt, connectedAt), 7_800);
    }

    @Test
    void belowTheLimitNothingIsAskedOfTheGateway() {
        recorded("old-1", NOW - 60_000);
        recorded("old-2", NOW - 60_000);
        connections.connect(new Caller("alice", "new", "new"));
        assertThat(asked).isEmpty();
        assertThat(store.forUser("alice")).hasSize(3);
    }

    @Test
    void atTheLimitConnectionsTheGatewayNoLongerHoldsAreNotCountedAndTheirRecordsGo() {
        recorded("old-1", NOW - 60_000);
        recorded("old-2", NOW - 60_000);
        recorded("live", NOW - 60_000);
        open.add("live");

        connections.connect(new Caller("alice", "new", "new"));

        assertThat(asked).containsExactlyInAnyOrder("old-1", "old-2", "live");
        assertThat(store.forUser("alice")).extracting(Connection::connectionId).containsExactlyInAnyOrder("live", "new");
    }

    @Test
    void atTheLimitWithEveryConnectionOpenTheUserIsRefused() {
        for (String id : List.of("a", "b", "c")) {
            recorded(id, NOW - 60_000);
            open.add(id);
        }
        assertThatThrownBy(() -> connections.connect(new Caller("alice", "new", "new")))
                .isInstanceOf(TooManyConnectionsException.class);
        assertThat(store.forUser("alice")).hasSize(3);
    }

    @Test
    void aGoneAnswerForAConnectionYoungerThanTheConnectTimeoutIsNotCountedButItsRecordStays() {
        recorded("old", NOW - 60_000);
        recorded("connecting-1", NOW - 1_000); // possibly still in its own $connect
        recorded("connecting-2", NOW - 1_000);

        connections.connect(new Caller("alice", "new", "new"));

        assertThat(store.forUser("alice")).extracting(Connection::connectionId)
                .containsExactlyInAnyOrder("connecting-1", "connecting-2", "new");
    }
}
