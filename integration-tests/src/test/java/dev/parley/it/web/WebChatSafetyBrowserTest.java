package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.model.domain.ConversationId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Blocks, mute and group administration (protocol v2, "Safety and group administration") through
 * the web page, between two windows against the real routes: what the blocked, the muted and a
 * group's members and admins see, and that a member is not offered what only admins may do.
 */
class WebChatSafetyBrowserTest extends TwoBrowserWindows {

    @Test
    void aBlockedUsersMessageIsRefusedAndShownAsNotSentAndTheBlockersPresenceIsHidden() {
        DirectChat chat = directChatStartedWith("hi bob");
        String a = chat.alice();
        String b = chat.bob();
        String conversation = chat.conversation();
        bob.await("alice shown online", d -> bob.presenceShown().equals("online"));

        alice.toggle("block-toggle", "Unblock");
        alice.await("bob shown as blocked", d -> alice.presenceShown().equals("blocked"));
        bob.await("alice's presence hidden from bob", d -> !bob.presenceShown().equals("online"));

        bob.send("why no answer?");
        bob.awaitMessage("why no answer?", "failed");
        assertThat(bob.statusOf("why no answer?")).isEqualTo("Not sent: " + a + " does not accept your messages");
        assertThat(Stored.messages(conversation)).as("nothing stored for the blocked sender").hasSize(1);
        assertThat(alice.messages()).extracting(ChatPage.Shown::text).containsExactly("hi bob");
        assertThat(bob.presenceShown()).isNotEqualTo("online");

        // The block is the server's: a reload still shows it, and lifting it lets bob write again.
        aliceWindow.navigate().refresh();
        alice.awaitOnline();
        alice.openFromList(conversation);
        alice.await("the block remembered after a reload", d -> "Unblock".equals(d.findElement(By.id("block-toggle")).getText()));
        alice.toggle("block-toggle", "Block");
        bob.await("alice shown online again", d -> bob.presenceShown().equals("online"));
        bob.send("better now?");
        alice.awaitMessage("better now?");
        assertThat(alice.messages()).extracting(ChatPage.Shown::text).containsExactly("hi bob", "better now?");
    }

    @Test
    void aMutedConversationShowsAsMutedAlsoAfterAReload() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String conversation = ConversationId.direct(a, b);
        alice.signIn(a);
        alice.openChatWith(b);
        alice.send("quiet please");
        alice.awaitMessage("quiet please", "sent");

        alice.toggle("mute-toggle", "Unmute");
        assertThat(aliceWindow.findElement(By.id("mute-toggle")).getDomAttribute("aria-pressed")).isEqualTo("true");
        alice.await("the header saying muted", d -> d.findElement(By.id("conversation-muted")).isDisplayed());
        alice.await("the list saying muted", d -> alice.listEntryOf(conversation).contains("muted"));

        aliceWindow.navigate().refresh();
        alice.awaitOnline();
        alice.await("still muted in the list after a reload", d -> alice.listEntryOf(conversation).contains("muted"));
        alice.openFromList(conversation);
        alice.await("still muted in the header", d -> "Unmute".equals(d.findElement(By.id("mute-toggle")).getText()));

        alice.toggle("mute-toggle", "Mute");
        alice.await("no longer muted", d -> !d.findElement(By.id("conversation-muted")).isDisplayed()
                && !alice.listEntryOf(conversation).contains("muted"));
    }

    @Test
    void anAdminRenamesPromotesAndDemotesWhileAMemberIsNotOfferedAdminControls() throws Exception {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        alice.signIn(a);
        bob.signIn(b);
        String group = alice.createGroup("Trip", b);
        bob.openFromList(group);
        bob.await("bob told who created the group", d -> bob.memberNotes().contains(a + " created the group \"Trip\""));

        // Alice created it: she is its admin. Bob is a member: the page offers him no admin control.
        assertThat(alice.offersAdminControls()).isTrue();
        assertThat(bob.hidesAdminControls()).isTrue();
        assertThat(bob.membersShown()).isEqualTo("Members: " + a + " (admin), " + b);
        List<String> violations = new ArrayList<>();
        for (Axe.Violation v : Axe.run(aliceWindow)) {
            if (v.seriousOrWorse()) {
                violations.add(v.id() + " (" + v.impact() + ") " + v.help() + " at " + v.where());
            }
        }
        assertThat(violations).as("serious accessibility violations of the group tools").isEmpty();

        alice.manageGroup("rename-name", "Ski trip", "rename-submit");
        for (ChatPage page : List.of(alice, bob)) {
            page.await("the new name", d -> page.title().equals("Ski trip"));
        }
        alice.await("alice told she renamed it", d -> alice.memberNotes().contains("You renamed the group to \"Ski trip\""));
        bob.await("bob told alice renamed it", d -> bob.memberNotes().contains(a + " renamed the group to \"Ski trip\""));
        shoot(bobWindow, "group-renamed-1100px");

        alice.manageGroup("admin-user", b, "admin-add");
        bob.await("bob told he was made admin", d -> bob.memberNotes().contains(a + " made you an admin"));
        alice.await("alice told she made bob admin", d -> alice.memberNotes().contains("You made " + b + " an admin"));
        bob.await("bob shown as admin", d -> bob.membersShown().equals("Members: " + a + " (admin), " + b + " (admin)"));
        bob.await("bob now offered the admin controls", d -> bob.offersAdminControls());

        alice.manageGroup("admin-user", b, "admin-remove");
        bob.await("bob told his admin rights were taken", d -> bob.memberNotes().contains(a + " removed admin rights from you"));
        bob.await("bob no longer offered the admin controls", d -> bob.hidesAdminControls());
        assertThat(bob.membersShown()).isEqualTo("Members: " + a + " (admin), " + b);

        // Only the admin adds and removes members; both windows see it happen.
        String carol = Parley.user("carol");
        alice.manageGroup("member-user", carol, "member-add");
        bob.await("bob told alice added carol", d -> bob.memberNotes().contains(a + " added " + carol));
        alice.manageGroup("member-user", carol, "member-remove");
        bob.await("bob told alice removed carol", d -> bob.memberNotes().contains(a + " removed " + carol));
        alice.await("carol gone from the members", d -> alice.membersShown().equals("Members: " + a + " (admin), " + b));
        assertThat(alice.memberNotes()).containsSubsequence("You added " + carol, "You removed " + carol);
    }

    @Test
    void aNewDeviceOffersAdminControlsOnlyToAdminsAndTheLastAdminNamesASuccessor() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        alice.signIn(a);
        String group = alice.createGroup("Book club", b);
        // Bob signs in after the group was made: no frame reached his page, but sync says he is no
        // admin (protocol v2 addition), so a new device offers him no admin control at all.
        bob.signIn(b);
        bob.openFromList(group);
        bob.await("no admin controls for a member on a new device", d -> bob.hidesAdminControls());
        assertThat(bob.title()).isEqualTo("Book club");

        // Alice is the only admin: leaving, she hands the group to bob.
        alice.openGroupTools();
        alice.await("the successor picker", d -> d.findElement(By.id("leave-successor")).isDisplayed()
                && b.equals(d.findElement(By.id("leave-successor")).getDomProperty("value")));
        aliceWindow.findElement(By.id("leave-group")).click();
        alice.await("alice told she left, or why not", d -> !alice.notice().isEmpty()
                || alice.membersShown().equals("You are no longer a member of this group."));
        assertThat(alice.notice()).as("no refusal of the leave").isEmpty();
        bob.await("bob told he took over", d -> bob.memberNotes().contains(a + " made you an admin; " + a + " left"));
        bob.await("bob offered the admin controls", d -> bob.offersAdminControls());
        assertThat(bob.membersShown()).isEqualTo("Members: " + b + " (admin)");
    }

    @Test
    void memberChangesAndReadByNStayInTheGroupTimelineAfterAReload() {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String c = Parley.user("carol");
        alice.signIn(a);
        bob.signIn(b);
        String group = alice.createGroup("Lunch", b);
        alice.manageGroup("member-user", c, "member-add");
        alice.await("alice told she added carol", d -> alice.memberNotes().contains("You added " + c));
        alice.send("pizza at noon?");
        alice.awaitMessage("pizza at noon?", "sent");

        // Bob opens the group and reads: alice's last message says how many members read it.
        bob.openFromList(group);
        bob.awaitMessage("pizza at noon?");
        bob.await("bob shown the membership lines", d -> bob.memberNotes().equals(
                List.of(a + " created the group \"Lunch\"", a + " added " + c)));
        alice.await("read by bob", d -> alice.statusOf("pizza at noon?").equals("Read by 1"));

        // The lines are timeline entries and the read positions are the server's: a reload keeps both.
        aliceWindow.navigate().refresh();
        alice.awaitOnline();
        alice.openFromList(group);
        alice.awaitMessage("pizza at noon?");
        alice.await("the membership lines after a reload", d -> alice.memberNotes().equals(
                List.of("You created the group \"Lunch\"", "You added " + c)));
        alice.await("read by 1 after a reload", d -> alice.statusOf("pizza at noon?").equals("Read by 1"));
        assertThat(alice.offersAdminControls()).as("sync says alice is the admin").isTrue();

        bobWindow.navigate().refresh();
        bob.awaitOnline();
        bob.openFromList(group);
        bob.awaitMessage("pizza at noon?");
        bob.await("bob's lines after a reload", d -> bob.memberNotes().equals(
                List.of(a + " created the group \"Lunch\"", a + " added " + c)));
        assertThat(bob.hidesAdminControls()).as("sync says bob is no admin").isTrue();
        assertThat(bob.unread(group)).as("membership lines are never unread").isZero();
    }
}
