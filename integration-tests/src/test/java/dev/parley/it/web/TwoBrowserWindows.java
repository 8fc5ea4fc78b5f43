package dev.parley.it.web;

import static org.assertj.core.api.Assertions.fail;

import dev.parley.it.support.Parley;
import dev.parley.model.domain.ConversationId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Two headless Chromium windows, one per user, on the web page that the local runtime serves at
 * {@code /}, against the real runtime (WebSocket gateway, functions, DynamoDB Local, local S3).
 * Without Chromium on the machine the tests are skipped, saying why; with
 * {@code PARLEY_REQUIRE_BROWSER=1} (CI) they fail instead.
 */
abstract class TwoBrowserWindows {
    /** Screenshots are kept here as build artifacts. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static Optional<String> missing = Optional.empty();
    static ChromeDriver aliceWindow;
    static ChromeDriver bobWindow;
    static ChatPage alice;
    static ChatPage bob;

    @BeforeAll
    static void openTwoBrowserWindows() throws Exception {
        missing = Chromium.unavailable();
        if (missing.isEmpty()) {
            String page = Parley.runtime().connectionsUrl() + "/";
            aliceWindow = Chromium.start();
            bobWindow = Chromium.start();
            alice = new ChatPage(aliceWindow, page);
            bob = new ChatPage(bobWindow, page);
        }
    }

    /** Per test rather than per class, so that every skipped test is reported with the reason. */
    @BeforeEach
    void needsABrowser() {
        if (missing.isPresent()) {
            if (Chromium.REQUIRED) {
                fail("PARLEY_REQUIRE_BROWSER=1 but " + missing.get());
            }
            Assumptions.abort("browser test skipped, no browser on this machine: " + missing.get());
        }
    }

    @AfterAll
    static void closeBrowserWindows() {
        try {
            Chromium.quit(aliceWindow);
        } finally {
            Chromium.quit(bobWindow);
            aliceWindow = null;
            bobWindow = null;
        }
    }

    /** A direct conversation both windows show: alice wrote its first message, {@code firstSeq}. */
    record DirectChat(String alice, String bob, String conversation, String firstSeq) {}

    /**
     * Signs fresh users into both windows; alice opens a chat with bob and sends {@code first}; once
     * it is sent, bob opens the conversation from his list and sees it.
     */
    static DirectChat directChatStartedWith(String first) {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String conversation = ConversationId.direct(a, b);
        alice.signIn(a);
        bob.signIn(b);
        alice.openChatWith(b);
        alice.send(first);
        String firstSeq = alice.awaitMessage(first, "sent").seq();
        bob.openFromList(conversation);
        bob.awaitMessage(first);
        return new DirectChat(a, b, conversation, firstSeq);
    }

    static void shoot(ChromeDriver window, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.copy(window.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
