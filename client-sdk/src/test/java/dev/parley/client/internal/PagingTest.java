package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.Backoff;
import dev.parley.client.CursorStore;
import dev.parley.client.HistoryPage;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server cuts {@code synced} and {@code history} pages by encoded size (no reply over 128 KB),
 * so a page may hold fewer entries than the limit and still say {@code hasMore}: the client must
 * page on by {@code hasMore}, never by counting.
 */
class PagingTest {
    private final FakeServer server = new FakeServer();
    private final EngineTest.App app = new EngineTest.App();
    private Engine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private void start(CursorStore cursors) {
        start(cursors, Duration.ZERO);
    }

    private void start(CursorStore cursors, Duration resyncInterval) {
        engine = new Engine(new ClientConfig("ws://fake", () -> "a.eyJzdWIiOiJhbGljZSJ9.sig", "phone",
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30), null, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)),
                cursors, app, Duration.ofMillis(200), Duration.ofSeconds(1), 500, 100, Duration.ofMillis(10), resyncInterval,
                Duration.ofMillis(20), Clock.systemUTC(), null), server);
    }

    @Test
    void aResyncWhileConnectedAsksForStatesOnlyFromThePositionTheLastRoundReached() throws Exception {
        start(EngineTest.cursors(java.util.Map.of("dm:alice:bob", 2L)), Duration.ofMillis(100));
        CompletableFuture<Void> connected = engine.connect();
        JsonNode first = server.next("sync");
        assertThat(first.get("limit").asInt()).isEqualTo(100);
        server.push(EngineTest.synced(first, false, "p1", EngineTest.page("dm:alice:bob", 2, false, 2)));
        connected.get(10, TimeUnit.SECONDS);
        JsonNode resync = server.next("sync");
        assertThat(resync.get("since").asText()).isEqualTo("p1");
        assertThat(resync.get("limit").asInt()).isZero();
        // Listed with a lastSeq above what the device holds: that conversation alone is fetched.
        server.push(EngineTest.synced(resync, false, "p2", EngineTest.page("dm:alice:bob", 3, false)));
        JsonNode fetch = server.next("history");
        assertThat(fetch.has("beforeSeq")).isFalse();
        server.push(history(fetch, true, 2, 3));
        app.awaitSeqs("dm:alice:bob", 1);
        assertThat(app.seqs("dm:alice:bob")).containsExactly(3L);
    }

    @Test
    void aRoundSendsOnePositionAndPagesOnThroughTheChangedConversationsUntilNoMoreFollow() throws Exception {
        InMemoryCursorStore cursors = new InMemoryCursorStore();
        cursors.save("dm:alice:bob", 2);
        cursors.saveSyncPosition("p0");
        start(cursors);
        CompletableFuture<Void> connected = engine.connect();

        JsonNode first = server.next("sync");
        assertThat(first.get("since").asText()).isEqualTo("p0");
        assertThat(first.has("cursors")).isFalse();
        assertThat(first.get("limit").asInt()).isEqualTo(100); // after an open: each one's newest messages
        server.push(EngineTest.synced(first, true, "p1", EngineTest.page("dm:alice:bob", 3, true, 3)));

        JsonNode second = server.next("sync");
        assertThat(second.get("since").asText()).isEqualTo("p1");
        assertThat(connected).isNotDone();
        server.push(EngineTest.synced(second, false, "p2", EngineTest.page("grp:x", 1, false, 1)));

        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("dm:alice:bob", 1);
        app.awaitSeqs("grp:x", 1);
        assertThat(app.conversations.get()).extracting(c -> c.conversationId()).containsExactly("dm:alice:bob", "grp:x");
        assertThat(cursors.loadSyncPosition()).isEqualTo("p2");
        assertThat(server.count("history")).isZero(); // the newest pages reached what the device held
    }

    @Test
    void aConversationLackingMoreThanItsNewestPageIsFetchedBackDownToItsCursorPageByOverlappingPage() throws Exception {
        InMemoryCursorStore cursors = new InMemoryCursorStore();
        cursors.save("dm:alice:bob", 0);
        cursors.saveSyncPosition("p0");
        start(cursors);
        CompletableFuture<Void> connected = engine.connect();
        JsonNode sync = server.next("sync");
        // The newest page was cut by size: two messages of seven.
        server.push(EngineTest.synced(sync, false, "p1", EngineTest.page("dm:alice:bob", 7, true, 6, 7)));

        JsonNode first = server.next("history");
        assertThat(first.get("beforeSeq").asLong()).isEqualTo(7); // up to and with 6, the lowest held
        assertThat(first.get("limit").asInt()).isEqualTo(6);
        server.push(history(first, true, 3, 4, 6)); // 5 is a gap inside the page
        JsonNode second = server.next("history");
        assertThat(second.get("beforeSeq").asLong()).isEqualTo(4);
        assertThat(second.get("limit").asInt()).isEqualTo(3);
        assertThat(connected).isNotDone();
        assertThat(app.seqs("dm:alice:bob")).isEmpty(); // nothing out of order
        server.push(history(second, false, 1, 3));

        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("dm:alice:bob", 5);
        assertThat(app.seqs("dm:alice:bob")).containsExactly(1L, 3L, 4L, 6L, 7L);
        assertThat(cursors.load()).containsEntry("dm:alice:bob", 7L);
        assertThat(server.count("sync")).isEqualTo(1);
    }

    @Test
    void aNewDevicesNewestPageCutShortIsFollowedByTheConversationsNewestPage() throws Exception {
        start(new InMemoryCursorStore());
        CompletableFuture<Void> connected = engine.connect();
        JsonNode first = server.next("sync");
        // The newest page was cut by size at seq 8, below lastSeq 9.
        server.push(EngineTest.synced(first, EngineTest.page("grp:x", 9, true, 7, 8)));
        JsonNode newest = server.next("history");
        assertThat(newest.has("beforeSeq")).isFalse();
        server.push(history(newest, true, 8, 9));
        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("grp:x", 3);
        assertThat(app.seqs("grp:x")).containsExactly(7L, 8L, 9L);
    }

    @Test
    void aMissingSeqIsFetchedForItsConversationAloneWithoutASyncRound() throws Exception {
        start(EngineTest.cursors(java.util.Map.of("dm:alice:bob", 2L, "grp:x", 5L)));
        CompletableFuture<Void> connected = engine.connect();
        server.push(EngineTest.synced(server.next("sync")));
        connected.get(10, TimeUnit.SECONDS);

        server.push("{\"type\":\"message\",\"conversationId\":\"dm:alice:bob\","
                + EngineTest.message(5, "{\"text\":\"m5\"}").substring(1));
        JsonNode fetch = server.next("history"); // after the gap wait
        assertThat(fetch.get("conversationId").asText()).isEqualTo("dm:alice:bob");
        assertThat(fetch.get("beforeSeq").asLong()).isEqualTo(6);
        assertThat(fetch.get("limit").asInt()).isEqualTo(3);
        server.push(history(fetch, true, 3, 5)); // 4 was a gap
        app.awaitSeqs("dm:alice:bob", 2);
        assertThat(app.seqs("dm:alice:bob")).containsExactly(3L, 5L);
        assertThat(server.count("sync")).isEqualTo(1);
    }

    @Test
    void aConversationTheUserLeftIsDroppedFromTheListAndNotFetched() throws Exception {
        start(EngineTest.cursors(java.util.Map.of("dm:alice:bob", 2L, "grp:x", 5L)));
        CompletableFuture<Void> connected = engine.connect();
        JsonNode first = server.next("sync");
        server.push(EngineTest.synced(first, true, "p1", EngineTest.page("grp:x", 5, false),
                EngineTest.page("dm:alice:bob", 2, false)));
        JsonNode second = server.next("sync");
        server.push(EngineTest.synced(second, false, "p2", EngineTest.left("grp:x", 9)));
        connected.get(10, TimeUnit.SECONDS);
        assertThat(app.conversations.get()).extracting(c -> c.conversationId()).containsExactly("dm:alice:bob");
        assertThat(server.count("history")).isZero();
    }

    @Test
    void aRoundWhoseConversationWaitsOutAYoungHoleEndsButKeepsTheSavedPositionUntilItIsFilled() throws Exception {
        InMemoryCursorStore cursors = new InMemoryCursorStore();
        cursors.save("dm:alice:bob", 2);
        cursors.saveSyncPosition("p0");
        start(cursors);
        CompletableFuture<Void> connected = engine.connect();
        server.push(EngineTest.synced(server.next("sync"), false, "p1", EngineTest.page("dm:alice:bob", 9, true, 8, 9)));
        JsonNode first = server.next("history");
        assertThat(first.get("beforeSeq").asLong()).isEqualTo(9);
        server.push(history(first, true, 3, 4, 5)); // cut below a send still in flight at 6 or 7
        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("dm:alice:bob", 3);
        app.awaitConversations();
        assertThat(cursors.loadSyncPosition()).isEqualTo("p0"); // a restart lists the conversation again

        JsonNode again = server.next("history"); // on the gap timer
        assertThat(again.get("beforeSeq").asLong()).isEqualTo(9);
        assertThat(again.get("limit").asInt()).isEqualTo(3);
        server.push(history(again, true, 6, 8)); // 7 became a gap
        app.awaitSeqs("dm:alice:bob", 6);
        assertThat(app.seqs("dm:alice:bob")).containsExactly(3L, 4L, 5L, 6L, 8L, 9L);
    }

    @Test
    void aPositionTheServerRefusesStartsTheDeviceOverWithAFullListing() throws Exception {
        InMemoryCursorStore cursors = new InMemoryCursorStore();
        cursors.save("dm:alice:bob", 2);
        cursors.saveSyncPosition("from-another-deployment");
        start(cursors);
        CompletableFuture<Void> connected = engine.connect();
        JsonNode refused = server.next("sync");
        server.push("{\"type\":\"error\",\"requestId\":\"" + refused.get("requestId").asText()
                + "\",\"code\":\"BAD_REQUEST\",\"message\":\"since must be the cursor of the previous synced\"}");
        JsonNode full = server.next("sync");
        assertThat(full.get("since").asText()).isEmpty();
        server.push(EngineTest.synced(full, false, "p1", EngineTest.page("dm:alice:bob", 3, true, 2, 3)));
        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("dm:alice:bob", 1);
        assertThat(app.seqs("dm:alice:bob")).containsExactly(3L); // what the device held is not delivered again
    }

    @Test
    void historyAsksForTheOlderRestUntilItHoldsTheLimitOrTheStart() throws Exception {
        start(new InMemoryCursorStore());
        CompletableFuture<Void> connected = engine.connect();
        server.push(EngineTest.synced(server.next("sync")));
        connected.get(10, TimeUnit.SECONDS);

        CompletableFuture<HistoryPage> five = engine.history("dm:alice:bob", null, 5);
        JsonNode first = server.next("history");
        assertThat(first.has("beforeSeq")).isFalse();
        assertThat(first.get("limit").asInt()).isEqualTo(5);
        server.push(history(first, true, 9, 10));
        JsonNode second = server.next("history");
        assertThat(second.get("beforeSeq").asLong()).isEqualTo(9);
        assertThat(second.get("limit").asInt()).isEqualTo(3);
        server.push(history(second, true, 7, 8));
        JsonNode third = server.next("history");
        assertThat(third.get("beforeSeq").asLong()).isEqualTo(7);
        assertThat(third.get("limit").asInt()).isEqualTo(1);
        assertThat(five).isNotDone();
        server.push(history(third, true, 5));
        HistoryPage page = five.get(10, TimeUnit.SECONDS);
        assertThat(page.messages()).extracting(Message::seq).containsExactly(5L, 7L, 8L, 9L, 10L);
        assertThat(page.hasMore()).isTrue();

        CompletableFuture<HistoryPage> rest = engine.history("dm:alice:bob", 5L, 50);
        JsonNode last = server.next("history");
        server.push(history(last, false, 1, 2));
        assertThat(rest.get(10, TimeUnit.SECONDS).messages()).extracting(Message::seq).containsExactly(1L, 2L);
        assertThat(rest.join().hasMore()).isFalse();
    }

    private static String history(JsonNode request, boolean hasMore, long... seqs) {
        List<String> messages = new ArrayList<>();
        for (long seq : seqs) {
            messages.add(EngineTest.message(seq, "{\"text\":\"m" + seq + "\"}"));
        }
        return "{\"type\":\"history\",\"requestId\":\"" + request.get("requestId").asText() + "\",\"conversationId\":\""
                + request.get("conversationId").asText() + "\",\"messages\":[" + String.join(",", messages)
                + "],\"hasMore\":" + hasMore + "}";
    }

}
