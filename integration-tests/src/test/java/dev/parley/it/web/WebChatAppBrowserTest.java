package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Parley;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web page as a chat app (issue 18): receipts that survive a reload, keyboard use, a browser
 * notification while the tab is hidden, and an accessibility check (axe-core, run in the page) of
 * the main screens at a desktop width and a phone's, with screenshots kept under
 * integration-tests/target/screenshots/.
 */
class WebChatAppBrowserTest extends TwoBrowserWindows {

    @Test
    void theSeenMarkIsStillThereAfterAReload() {
        DirectChat chat = directChatStartedWith("did you get the tickets?");
        String a = chat.alice();
        String b = chat.bob();
        String conversation = chat.conversation();
        alice.awaitMessage("did you get the tickets?", "seen");

        // The receipt came as a live push; after a reload it comes from the server's state.
        aliceWindow.navigate().refresh();
        alice.awaitOnline();
        alice.openFromList(conversation);
        alice.awaitMessage("did you get the tickets?", "seen");

        // Messages in a row from one sender form a group: one time and one status, at its end.
        for (String text : List.of("row 1", "row 2", "row 3")) {
            alice.send(text);
        }
        alice.awaitMessage("row 3", "seen");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> meta = (List<Map<String, Object>>) aliceWindow.executeScript("""
                return [...document.querySelectorAll('#messages [data-testid="message"]')].slice(-3).map(li => ({
                  times: li.querySelectorAll('time').length,
                  statuses: li.querySelectorAll('[data-testid="message-status"]').length}));""");
        assertThat(meta).containsExactly(Map.of("times", 0L, "statuses", 0L), Map.of("times", 0L, "statuses", 0L),
                Map.of("times", 1L, "statuses", 1L));
    }

    @Test
    void messagesCanBeReachedAndActedOnWithTheKeyboardAlone() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        alice.signIn(a);
        alice.openChatWith(b);
        alice.send("first line");
        alice.send("second line");
        String second = alice.awaitMessage("second line", "sent").seq();

        // Up in the empty message box edits the last own message.
        WebElement box = aliceWindow.findElement(By.id("composer-text"));
        box.sendKeys(Keys.ARROW_UP);
        alice.await("the last message in the box to edit", d -> "second line".equals(box.getDomProperty("value")));
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), "second line, edited", Keys.ENTER);
        alice.awaitSeq(second, m -> m.edited() && m.text().equals("second line, edited"), "edited by keyboard");

        // From the timeline: arrows move between messages, Enter reaches a message's actions.
        WebElement timeline = aliceWindow.findElement(By.id("timeline"));
        aliceWindow.executeScript("arguments[0].focus()", timeline);
        timeline.sendKeys(Keys.ARROW_UP);
        alice.await("the last message focused", d -> second.equals(focused().getDomAttribute("data-seq")));
        focused().sendKeys(Keys.ARROW_UP);
        String first = alice.await("the first message focused", d -> {
            String seq = focused().getDomAttribute("data-seq");
            return seq != null && !seq.equals(second) ? seq : null;
        });
        focused().sendKeys(Keys.ENTER);
        alice.await("its Reply button focused", d -> "reply".equals(focused().getDomAttribute("data-action")));
        focused().sendKeys(Keys.ENTER);
        alice.await("the message box replying", d -> "reply".equals(
                d.findElement(By.id("compose-context")).getDomAttribute("data-kind"))
                && "composer-text".equals(focused().getDomAttribute("id")));
        focused().sendKeys("answering by keyboard", Keys.ENTER);
        assertThat(alice.awaitMessage("answering by keyboard").replyTo()).isEqualTo(first);
    }

    @Test
    void aMessageArrivingWhileTheTabIsHiddenShowsABrowserNotification() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        alice.signIn(a);
        bob.signIn(b);
        // Headless Chromium has no notification centre and its tab is never hidden: record what the
        // page hands the browser's Notification API, and report the tab as hidden.
        aliceWindow.executeScript("""
                window.shown = [];
                window.Notification = class { constructor(title, options) { window.shown.push({ title, body: options.body }); }
                  static get permission() { return 'granted'; } close() {} };
                Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
                document.dispatchEvent(new Event('visibilitychange'));""");
        bob.openChatWith(a);
        bob.send("are you there?");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> shown = alice.await("a notification", d -> {
            List<Map<String, String>> list = (List<Map<String, String>>) aliceWindow.executeScript("return window.shown");
            return list.isEmpty() ? null : list;
        });
        assertThat(shown).containsExactly(Map.of("title", b, "body", "are you there?"));
        alice.await("the tab title counting it", d -> "(1) Parley".equals(d.getTitle()));
    }

    @Test
    void theMainScreensHaveNoSeriousAccessibilityViolationsAtDesktopAndPhoneWidths() throws Exception {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        List<String> found = new ArrayList<>();
        try {
            for (int[] size : new int[][] {{1100, 900}, {390, 844}}) {
                String width = size[0] + "px";
                aliceWindow.manage().window().setSize(new Dimension(size[0], size[1]));
                aliceWindow.get(Parley.runtime().connectionsUrl() + "/");
                aliceWindow.executeScript("sessionStorage.clear(); localStorage.clear();");
                aliceWindow.navigate().refresh();
                alice.await("the sign-in form", d -> d.findElement(By.id("login-user")).isDisplayed());
                check("sign-in at " + width, found);

                alice.signIn(a);
                alice.openChatWith(b);
                alice.send("hello at " + width);
                alice.send("a longer message at " + width + " that wraps onto a second line on a narrow screen");
                String seq = alice.awaitMessage("hello at " + width, "sent").seq();
                alice.react(seq, "🎉");
                alice.awaitReactions(seq, List.of(new ChatPage.Reaction("🎉", 1, true)));
                alice.reply(seq, "a reply at " + width);
                alice.awaitMessage("a reply at " + width, "sent");
                alice.act(seq, "react"); // a message's actions and the emoji picker open
                check("conversation at " + width, found);
                shoot(aliceWindow, "conversation-features-" + width);
            }
        } finally {
            aliceWindow.manage().window().setSize(new Dimension(1100, 900));
        }
        assertThat(found).as("serious or critical accessibility violations").isEmpty();
    }

    private static void check(String screen, List<String> found) throws Exception {
        for (Axe.Violation v : Axe.run(aliceWindow)) {
            if (v.seriousOrWorse()) {
                found.add(screen + ": " + v.id() + " (" + v.impact() + ") " + v.help() + " at " + v.where());
            }
        }
    }

    private static WebElement focused() {
        return aliceWindow.switchTo().activeElement();
    }
}
