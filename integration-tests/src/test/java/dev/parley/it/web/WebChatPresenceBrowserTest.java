package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.config.Setting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Presence on the page (issue 18): the peer shows offline within seconds of the other window
 * signing out, not after the reconnect grace period a dropped network gets.
 */
class WebChatPresenceBrowserTest extends TwoBrowserWindows {
    private static final Duration GRACE = Duration.ofSeconds(Integer.parseInt(Setting.PRESENCE_GRACE_SECONDS.defaultValue()));

    @Test
    void thePeerShowsOfflineWithinSecondsOfASignOutAndOnlineWhenTheySignInAgain() {
        DirectChat chat = directChatStartedWith("are you there?");
        alice.await("bob shown online", d -> alice.presenceShown().equals("online"));

        bob.signOut();
        long signedOut = System.nanoTime();
        alice.await("bob shown offline", d -> alice.presenceShown().startsWith("last seen"));
        Duration shownAfter = Duration.ofNanos(System.nanoTime() - signedOut);
        assertThat(shownAfter).as("offline shown after the sign-out").isLessThan(GRACE.dividedBy(3));

        bob.signIn(chat.bob());
        alice.await("bob shown online again", d -> alice.presenceShown().equals("online"));
    }
}
