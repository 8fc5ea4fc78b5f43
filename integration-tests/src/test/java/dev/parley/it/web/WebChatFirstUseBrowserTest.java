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

        // Bob, signing in for the first time, is offered alice (a direct chat), carol (a fellow
        // member) and the group, by name; never himself.
        bob.signIn(b);
        bob.await("alice, carol and the group suggested", d -> suggestions().equals(List.of(a, c, group)));
        assertThat(bobWindow.executeScript("return document.querySelector("
                + "'#known-people option[value=\"' + arguments[0] + '\"]').label", group)).isEqualTo("Picnic");

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
    private List<String> suggestions() {
        return (List<String>) bobWindow.executeScript(
                "return [...document.querySelectorAll('#known-people option')].map(o => o.value);");
    }
}
