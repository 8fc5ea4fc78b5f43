package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/**
 * Two people chat through the web page: live delivery, unread counts, receipts, presence,
 * reconnects, history, groups, and the layout at desktop and phone widths.
 */
class WebChatBrowserTest extends TwoBrowserWindows {
    @Test
    void twoUsersChatLiveWithUnreadCountsReadReceiptsAndPresence() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String conversation = ConversationId.direct(a, b);
        alice.signIn(a);
        bob.signIn(b);

        alice.openChatWith(b);
        // Markup in a message is text: it must show verbatim and never become elements or run.
        String hello = "hi bob <b>bold?</b> <img src=x onerror=\"window.pwned=1\"> & \"quotes\"";
        alice.send(hello);
        assertThat(alice.awaitMessage(hello, "sent").seq()).isEqualTo("1");

        bob.awaitUnread(conversation, 1);
        bob.await("the unread count in the tab title", d -> "(1) Parley".equals(d.getTitle()));
        bob.openFromList(conversation);
        ChatPage.Shown received = bob.awaitMessage(hello);
        assertThat(received.sender()).isEqualTo(a);
        assertThat(received.seq()).isEqualTo("1");
        assertThat(bobWindow.findElements(By.cssSelector("#messages img, #messages b"))).isEmpty();
        assertThat(bobWindow.executeScript("return window.pwned === undefined")).isEqualTo(true);
        assertThat(bob.unread(conversation)).isZero();

        // Bob has seen it: his page sends `read`, Alice's shows the receipt.
        alice.awaitMessage(hello, "seen");

        bob.send("hi alice");
        alice.awaitMessage("hi alice");
        bob.awaitMessage("hi alice", "seen");
        assertThat(alice.messages()).extracting(ChatPage.Shown::text, ChatPage.Shown::seq)
                .containsExactly(tuple(hello, "1"), tuple("hi alice", "2"));

        // Presence of the peer, as the HTTP API and `presence` pushes report it.
        alice.await("bob shown online", d -> alice.presenceShown().equals("online"));
        bob.await("alice shown online", d -> bob.presenceShown().equals("online"));
    }

    @Test
    void aWindowThatLostItsConnectionReconnectsByItselfAndCatchesUpBySync() throws Exception {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String conversation = ConversationId.direct(a, b);
        alice.signIn(a);
        bob.signIn(b);
        alice.openChatWith(b);
        alice.send("before the outage");
        bob.openFromList(conversation);
        bob.awaitMessage("before the outage");
        int connectionsBefore = bob.connections();

        // Bob's network goes away and his connection is closed at the gateway (DELETE
        // @connections/{id}): nothing reaches his window until it reconnects by itself.
        bobWindow.setNetworkConditions(offline());
        try {
            for (String connectionId : Stored.connectionsOf(b)) {
                dropConnection(connectionId);
            }
            bob.awaitOffline();
            // Offline, the page cannot know who is online: it shows no presence rather than a stale one.
            bob.await("no presence shown while offline", d -> bob.presenceShown().isEmpty());

            alice.send("while you were away 1");
            alice.send("while you were away 2");
            alice.awaitMessage("while you were away 2", "sent");
            bob.send("written offline");
            bob.awaitMessage("written offline", "pending");
        } finally {
            bobWindow.deleteNetworkConditions();
        }
        bob.awaitOnline();
        assertThat(bob.connections()).isGreaterThan(connectionsBefore);
        // Caught up by sync with its cursors, in seq order, without duplicates ...
        bob.awaitMessage("while you were away 2");
        // ... and the message queued while offline was sent on reconnect, exactly once.
        bob.awaitMessage("written offline", "seen");
        alice.awaitMessage("written offline");
        assertThat(bob.messages()).extracting(ChatPage.Shown::text).containsExactly(
                "before the outage", "while you were away 1", "while you were away 2", "written offline");
        assertThat(bob.messages()).extracting(ChatPage.Shown::seq).containsExactly("1", "2", "3", "4");
        assertThat(Stored.messages(conversation)).hasSize(4);
        bob.await("alice shown online again", d -> bob.presenceShown().equals("online"));
    }

    @Test
    void olderMessagesComeBackThroughHistory() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String conversation = ConversationId.direct(a, b);
        // 40 messages from Alice's phone, more than the page's first sync page (30) holds.
        try (WsClient phone = Parley.connect(a, "phone")) {
            for (int i = 1; i <= 40; i++) {
                phone.send(b, "seed-" + i, "message " + i);
            }
        }
        bob.signIn(b);
        bob.awaitUnread(conversation, 40);
        bob.openFromList(conversation);
        bob.awaitMessage("message 40");
        assertThat(bob.messages()).hasSize(30);
        assertThat(bob.messages().get(0).text()).isEqualTo("message 11");
        assertThat(bob.loadOlderShown()).isTrue();
        // Everything is unread: the "new messages" line stands above the first message held, and
        // the conversation opened there, not at the bottom.
        assertThat(bobWindow.executeScript(
                "const divider = document.querySelector('[data-testid=\"unread-divider\"]');"
                        + " return divider !== null && divider.nextElementSibling.dataset.seq === '11'"
                        + " && divider.getBoundingClientRect().top"
                        + " < document.getElementById('timeline').getBoundingClientRect().top + 40;"))
                .as("the unread divider above message 11, at the top of the timeline").isEqualTo(true);
        // Only what was on screen is read: the top of the unread messages, not the newest.
        long readOnOpening = bob.await("bob's read cursor to move", d -> {
            long read = readSeq(b, conversation);
            return read > 0 ? read : null;
        });
        assertThat(readOnOpening).as("read cursor after opening at the divider").isBetween(11L, 39L);
        bob.scrollTimelineToBottom();
        bob.await("everything read once scrolled to the newest", d -> readSeq(b, conversation) == 40);

        // Scrolling to the top pages back through `history`.
        bob.scrollTimelineToTop();
        bob.awaitMessage("message 1");
        List<String> seqs = bob.messages().stream().map(ChatPage.Shown::seq).toList();
        assertThat(seqs).hasSize(40);
        assertThat(seqs).isSortedAccordingTo((x, y) -> Long.compare(Long.parseLong(x), Long.parseLong(y)));
        bob.await("no more older messages to load", d -> !bob.loadOlderShown());
    }

    @Test
    void aGroupCreatedInThePageReachesItsMembers() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        alice.signIn(a);
        bob.signIn(b);

        String group = alice.createGroup("Trip <planning>", b);
        assertThat(aliceWindow.findElement(By.id("conversation-title")).getText()).isEqualTo("Trip <planning>");

        alice.send("welcome to the group");
        alice.awaitMessage("welcome to the group", "sent");
        bob.awaitUnread(group, 1);
        // A group's line in the list names who wrote its latest message.
        bob.await("the group's preview naming the sender", d -> bob.previewOf(group).equals(a + ": welcome to the group"));
        bob.openFromList(group);
        assertThat(bobWindow.findElement(By.id("conversation-title")).getText()).isEqualTo("Trip <planning>");
        assertThat(bob.awaitMessage("welcome to the group").sender()).isEqualTo(a);
        bob.send("thanks");
        alice.awaitMessage("thanks");

        // Membership changes arrive as `members` frames in both windows, and show in the timeline.
        String carol = Parley.user("carol");
        alice.openGroupTools();
        aliceWindow.findElement(By.id("member-user")).sendKeys(carol);
        aliceWindow.findElement(By.id("member-add")).click();
        for (ChatPage page : List.of(alice, bob)) {
            page.await("carol among the members", d -> d.findElement(By.id("conversation-members")).getText()
                    .contains(carol));
        }
        alice.await("the timeline telling alice she added carol", d -> alice.memberNotes().contains("You added " + carol));
        bob.await("the timeline telling bob alice added carol", d -> bob.memberNotes().contains(a + " added " + carol));
        bob.openGroupTools();
        bobWindow.findElement(By.id("leave-group")).click();
        bob.await("bob told he left", d -> d.findElement(By.id("conversation-members")).getText()
                .equals("You are no longer a member of this group."));
        alice.await("bob gone from the members", d -> {
            String members = d.findElement(By.id("conversation-members")).getText();
            return members.contains(carol) && !members.contains(b);
        });
        alice.await("the timeline telling alice bob left", d -> alice.memberNotes().contains(b + " left"));
    }

    /**
     * The main screens at a desktop width and a phone's (390 px), kept as build artifacts under
     * integration-tests/target/screenshots/. At both widths the page itself does not scroll (the
     * list and the timeline do) and the message box is on screen.
     */
    @Test
    void theMainScreensFitDesktopAndPhoneWidthsAndAreKeptAsScreenshots() throws Exception {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        try {
            for (int[] size : new int[][] {{1100, 900}, {390, 844}}) {
                String width = size[0] + "px";
                aliceWindow.manage().window().setSize(new Dimension(size[0], size[1]));
                aliceWindow.get(Parley.runtime().connectionsUrl() + "/");
                aliceWindow.executeScript("sessionStorage.clear(); localStorage.clear();");
                aliceWindow.navigate().refresh();
                alice.await("the sign-in form", d -> d.findElement(By.id("login-user")).isDisplayed());
                shoot(aliceWindow, "sign-in-" + width);

                alice.signIn(a);
                alice.openChatWith(b);
                for (int i = 1; i <= 25; i++) {
                    alice.send("message " + i + " at " + width + (i % 5 == 0 ? ", a longer one that wraps onto a second line on a phone" : ""));
                }
                alice.awaitMessage("message 25 at " + width + ", a longer one that wraps onto a second line on a phone", "sent");
                assertThat(aliceWindow.findElement(By.id("notice")).isDisplayed())
                        .as("no error shown after 25 quick messages (typing signals within their budget)").isFalse();
                assertThat(aliceWindow.executeScript(
                        "return document.documentElement.scrollHeight <= window.innerHeight + 1"
                                + " && document.body.scrollHeight <= window.innerHeight + 1"))
                        .as("the page itself does not scroll at " + width).isEqualTo(true);
                assertThat(aliceWindow.executeScript(
                        "const r = document.getElementById('composer-text').getBoundingClientRect();"
                                + " return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;"))
                        .as("the message box is on screen at " + width).isEqualTo(true);
                shoot(aliceWindow, "conversation-" + width);
            }
        } finally {
            aliceWindow.manage().window().setSize(new Dimension(1100, 900));
        }
    }

    private static ChromiumNetworkConditions offline() {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setOffline(true);
        return conditions;
    }

    /** The user's read cursor in the conversation, as {@code GET /conversations} reports it. */
    private static long readSeq(String userId, String conversationId) {
        for (var c : Api.as(userId).get("/conversations").body().path("conversations")) {
            if (conversationId.equals(c.path("conversationId").asText())) {
                return c.path("readSeq").asLong();
            }
        }
        return 0;
    }

    /** {@code DELETE /@connections/{id}}, the call API Gateway's management API offers. */
    private static void dropConnection(String connectionId) {
        try (ApiGatewayManagementApiClient connections = Parley.runtime().connectionsClient()) {
            connections.deleteConnection(d -> d.connectionId(connectionId));
        } catch (GoneException alreadyGone) {
            // closed meanwhile: what the caller wanted
        }
    }
}
