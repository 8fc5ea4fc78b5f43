package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Parley;
import dev.parley.model.domain.ConversationId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A newcomer's first minutes in the web page (issue 18): the labels say what to type, and the
 * "start a chat" field suggests the people the user has talked to (and the groups they are in),
 * so a second chat starts by picking a name rather than remembering it.
 */
class WebChatFirstUseBrowserTest extends TwoBrowserWindows {

    @Test
    void theStartAChatFieldSuggestsThePeopleAndGroupsTheUserHasTalkedTo() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String c = Parley.user("carol");
        alice.signIn(a);
        assertThat(label("open-user")).isEqualTo("Start a chat: a user name, or a group id");

        alice.openChatWith(b);
        alice.send("hello from the first minutes");
        alice.awaitMessage("hello from the first minutes", "sent");
        String group = alice.createGroup("Picnic", b, c);
        // Alice is offered the people she wrote to and her fellow members, then her group, by name.
        alice.await("bob, carol and the group suggested to alice", d -> suggestions(aliceWindow).equals(List.of(b, c, group)));
        assertThat(suggestionLabel(aliceWindow, group)).isEqualTo("Picnic");

        // Bob, signing in for the first time, is offered alice (a direct chat) and the group; never himself.
        bob.signIn(b);
        bob.await("alice and the group suggested to bob", d -> {
            List<String> offered = suggestions(bobWindow);
            return offered.contains(a) && offered.contains(group) && !offered.contains(b);
        });
        assertThat(suggestionLabel(bobWindow, group)).isEqualTo("Picnic");

        // Picking a suggestion opens that conversation.
        bob.openChatWith(a);
        assertThat(bobWindow.findElement(By.id("conversation-title")).getDomAttribute("data-conversation-id"))
                .isEqualTo(ConversationId.direct(a, b));
        bob.awaitMessage("hello from the first minutes");
    }

    private String label(String fieldId) {
        return aliceWindow.findElement(By.cssSelector("label[for='" + fieldId + "']")).getText();
    }

    @SuppressWarnings("unchecked")
    private static List<String> suggestions(org.openqa.selenium.chrome.ChromeDriver window) {
        return (List<String>) window.executeScript(
                "return [...document.querySelectorAll('#known-people option')].map(o => o.value);");
    }

    private static Object suggestionLabel(org.openqa.selenium.chrome.ChromeDriver window, String value) {
        return window.executeScript("const o = [...document.querySelectorAll('#known-people option')]"
                + ".find(o => o.value === arguments[0]); return o ? o.label : null;", value);
    }
}
