package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ConversationSummary;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, suite 5: a device that was offline for a whole conversation of 500 messages catches up
 * by sync, page by page, and its unread count is right: messages after the user's read cursor
 * (moved meanwhile from another device) not sent by the user.
 */
class OfflineDeviceCatchUpTest {
    private static final int WHILE_OFFLINE = 500;
    private static final int PAGE = 50;

    @Test
    void aTabletOfflineForFiveHundredMessagesCatchesUpBySyncPageByPageWithTheRightUnreadCount() throws Exception {
        LocalRuntime runtime = Parley.runtime();
        Endpoint endpoint = Endpoint.of(runtime);
        Timeline stored = Timeline.storedIn(runtime);
        String carol = Parley.user("carol");
        List<String> others = List.of(Parley.user("alice"), Parley.user("bob"), Parley.user("dave"), Parley.user("erin"));
        String group = endpoint.createGroup(carol, others);

        List<ParleyClient> clients = new ArrayList<>();
        InMemoryCursorStore tabletCursors = new InMemoryCursorStore(); // the tablet's storage, kept while it is off
        Device tablet = new Device("carol/tablet", tabletCursors);
        Device phone = new Device("carol/phone");
        try {
            ParleyClient carolPhone = keep(clients, endpoint.connect(carol, "phone", phone));
            List<ParleyClient> senders = new ArrayList<>();
            for (String other : others) {
                senders.add(keep(clients, endpoint.connect(other, "phone", new Device(other + "/phone"))));
            }

            // The tablet is on for the first message, then switched off.
            ParleyClient tabletBefore = endpoint.connect(carol, "tablet", tablet);
            Sent welcome = senders.get(0).sendText(To.conversation(group), "welcome").get(30, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tablet.seqs(group).size() == 1);
            tabletBefore.close();
            assertThat(tabletCursors.load()).as("seq 1 holds the group's creation").containsEntry(group, welcome.seq());

            // 500 messages while it is off: 120 from each of the four others, 20 from carol's phone.
            List<CompletableFuture<Sent>> sends = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                for (int s = 0; s < senders.size(); s++) {
                    sends.add(senders.get(s).sendText(To.conversation(group), others.get(s) + " " + i));
                }
                if (i % 6 == 0) {
                    sends.add(carolPhone.sendText(To.conversation(group), "carol " + i));
                }
            }
            assertThat(sends).hasSize(WHILE_OFFLINE);
            List<Sent> confirmed = new ArrayList<>(Convergence.confirmed(sends, Duration.ofSeconds(90)));
            confirmed.add(welcome);
            Convergence.storedExactlyOnce(stored, group, confirmed);
            List<Timeline.Entry> messages = stored.messages(group);
            assertThat(messages).hasSize(1 + WHILE_OFFLINE);

            // Carol reads up to the 40th message on her phone; the tablet must learn the cursor.
            long readSeq = messages.get(39).seq();
            carolPhone.markRead(group, readSeq);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> readSeqOverHttp(endpoint, carol, group) == readSeq);
            long expectedUnread = messages.stream().filter(m -> m.seq() > readSeq && !m.senderId().equals(carol)).count();
            long afterCursor = messages.stream().filter(m -> m.seq() > readSeq).count();
            assertThat(expectedUnread).as("carol's own messages after her cursor are not unread").isLessThan(afterCursor);
            // Unread is kept by fan-out in the sync store: wait until it has applied every message.
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> unreadOverHttp(endpoint, carol, group) == expectedUnread);

            // The protocol underneath: pages of at most 50, ascending, never a seq twice, hasMore
            // until the last, and the same unread count on every page.
            List<JsonNode> pages = syncPages(endpoint, carol, group, welcome.seq());
            assertThat(pages.size()).as("sync pages").isGreaterThanOrEqualTo(WHILE_OFFLINE / PAGE);
            List<Long> paged = new ArrayList<>();
            for (int p = 0; p < pages.size(); p++) {
                JsonNode conversation = pages.get(p);
                assertThat(conversation.get("messages").size()).isLessThanOrEqualTo(PAGE);
                conversation.get("messages").forEach(m -> paged.add(m.get("seq").asLong()));
                assertThat(conversation.get("hasMore").asBoolean()).as("hasMore of page " + p).isEqualTo(p < pages.size() - 1);
                assertThat(conversation.get("unread").asLong()).as("unread on page " + p).isEqualTo(expectedUnread);
                assertThat(conversation.get("readSeq").asLong()).isEqualTo(readSeq);
            }
            assertThat(paged).isEqualTo(messages.stream().map(Timeline.Entry::seq).filter(seq -> seq > welcome.seq()).toList());

            // The tablet comes back: the client syncs from its stored cursor, 50 a page.
            long back = System.nanoTime();
            ParleyClient tabletAfter = keep(clients, endpoint.client(carol, "tablet", tablet).syncPageSize(PAGE).build());
            tabletAfter.connect().get(60, TimeUnit.SECONDS);
            System.out.printf("offline: the tablet caught up on %d messages in %d ms; %d unread%n", WHILE_OFFLINE,
                    (System.nanoTime() - back) / 1_000_000, tablet.totalUnread());
            Convergence.everyDeviceSawTheStoredTimeline(stored, group, List.of(tablet, phone), Duration.ofSeconds(30));
            ConversationSummary summary = tablet.conversations().stream()
                    .filter(c -> c.conversationId().equals(group)).findFirst().orElseThrow();
            assertThat(summary.unread()).as("unread in the tablet's conversation list").isEqualTo(expectedUnread);
            assertThat(summary.readSeq()).isEqualTo(readSeq);
            assertThat(tablet.totalUnread()).as("totalUnread = sum of unread")
                    .isEqualTo(tablet.conversations().stream().mapToLong(ConversationSummary::unread).sum())
                    .isEqualTo(expectedUnread);
        } finally {
            clients.forEach(ParleyClient::close);
        }
    }

    /** Syncs from {@code cursor} with a raw WebSocket client until {@code hasMore} is false. */
    private static List<JsonNode> syncPages(Endpoint endpoint, String userId, String conversationId, long cursor)
            throws InterruptedException {
        List<JsonNode> pages = new ArrayList<>();
        try (WsClient laptop = WsClient.connect(endpoint.websocketUrl() + "/?deviceId=laptop&token="
                + endpoint.tokenNow(userId, "laptop"))) {
            long from = cursor;
            while (pages.size() < 100) {
                ObjectNode sync = WsClient.JSON.createObjectNode().put("action", "sync").put("limit", PAGE);
                sync.putObject("cursors").put(conversationId, from);
                JsonNode reply = laptop.request(sync);
                if ("error".equals(reply.path("type").asText())) {
                    assertThat(reply.get("code").asText()).as(reply.toString()).isEqualTo("RATE_LIMITED");
                    Thread.sleep(reply.get("retryAfterMs").asLong());
                    continue;
                }
                JsonNode conversation = null;
                for (JsonNode c : reply.get("conversations")) {
                    if (c.get("conversationId").asText().equals(conversationId)) {
                        conversation = c;
                    }
                }
                assertThat(conversation).as("the conversation in " + reply).isNotNull();
                assertThat(reply.get("totalUnread").asLong()).as("totalUnread = sum of unread")
                        .isEqualTo(sum(reply.get("conversations")));
                pages.add(conversation);
                JsonNode messages = conversation.get("messages");
                for (JsonNode message : messages) {
                    assertThat(message.get("seq").asLong()).as("ascending, after the cursor").isGreaterThan(from);
                    from = message.get("seq").asLong();
                }
                if (!conversation.get("hasMore").asBoolean()) {
                    return pages;
                }
            }
        }
        throw new AssertionError("sync never said hasMore: false");
    }

    private static long sum(JsonNode conversations) {
        long total = 0;
        for (JsonNode c : conversations) {
            total += c.get("unread").asLong();
        }
        return total;
    }

    private static long unreadOverHttp(Endpoint endpoint, String userId, String conversationId) {
        for (JsonNode c : endpoint.conversations(userId).get("conversations")) {
            if (c.get("conversationId").asText().equals(conversationId)) {
                return c.get("unread").asLong();
            }
        }
        return -1;
    }

    private static long readSeqOverHttp(Endpoint endpoint, String userId, String conversationId) {
        for (JsonNode c : endpoint.conversations(userId).get("conversations")) {
            if (c.get("conversationId").asText().equals(conversationId)) {
                return c.get("readSeq").asLong();
            }
        }
        return -1;
    }

    private static ParleyClient keep(List<ParleyClient> clients, ParleyClient client) {
        clients.add(client);
        return client;
    }
}
