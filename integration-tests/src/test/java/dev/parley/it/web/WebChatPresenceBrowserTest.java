package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.model.config.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Presence on the page (issue 18): the peer shows offline within seconds of the other window
 * signing out, not after the reconnect grace period a dropped network gets. And the page's sync
 * (issue 19): one position per device kept in Web Storage, from which a reload resumes.
 */
class WebChatPresenceBrowserTest extends TwoBrowserWindows {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records every WebSocket frame the page sends and receives, installed before the page's own scripts run. */
    private static final String RECORD_FRAMES = """
            (() => {
              const Native = window.WebSocket;
              window.parleyFrames = [];
              window.WebSocket = class extends Native {
                constructor(...args) {
                  super(...args);
                  this.addEventListener('message', (e) => window.parleyFrames.push({ out: false, text: String(e.data) }));
                }
                send(data) {
                  window.parleyFrames.push({ out: true, text: String(data) });
                  super.send(data);
                }
              };
            })();""";
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

    @Test
    void aReloadResumesFromThePositionKeptInWebStorageWithOneCursorNotOnePerConversation() throws Exception {
        DirectChat chat = directChatStartedWith("before the reload");
        String key = "parley." + chat.alice() + ".";
        alice.await("the sync position kept in Web Storage", d -> position(key) != null);
        String saved = position(key);

        // Alice's page goes away (the tab keeps its sign-in in sessionStorage), bob writes, she comes back.
        aliceWindow.get("about:blank");
        bob.send("while alice reloads");
        Map<String, Object> recorder = aliceWindow.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", RECORD_FRAMES));
        try {
            aliceWindow.get(dev.parley.it.support.Parley.runtime().connectionsUrl() + "/");
            alice.awaitOnline();
            alice.openFromList(chat.conversation());
            alice.awaitMessage("while alice reloads");
            List<JsonNode> syncs = frames(true, "sync");
            assertThat(syncs).isNotEmpty();
            JsonNode first = syncs.get(0);
            assertThat(first.has("cursors")).as("no per-conversation cursors: " + first).isFalse();
            assertThat(first.path("since").asText()).as("the first sync after the reload").isNotEmpty();
            assertThat(saved).isNotEmpty();
            assertThat(frames(false, "synced")).allSatisfy(reply -> assertThat(reply.has("cursor")).isTrue());
            // What the device held before it left is not delivered again (older messages are for
            // history); the message it missed is shown once.
            assertThat(alice.messages()).extracting(ChatPage.Shown::text).containsOnlyOnce("while alice reloads")
                    .doesNotHaveDuplicates();
        } finally {
            aliceWindow.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument",
                    Map.of("identifier", recorder.get("identifier")));
        }
    }

    /** The page's sync position: the one Web Storage key of the signed-in device ending in "sync". */
    private static String position(String prefix) {
        Object value = aliceWindow.executeScript("""
                for (let i = 0; i < localStorage.length; i++) {
                  const k = localStorage.key(i);
                  if (k.startsWith(arguments[0]) && k.endsWith('.sync')) return JSON.parse(localStorage.getItem(k));
                }
                return null;""", prefix);
        return value == null ? null : value.toString();
    }

    private static List<JsonNode> frames(boolean out, String kind) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        Object recorded = aliceWindow.executeScript("return JSON.stringify(window.parleyFrames || [])");
        for (JsonNode frame : JSON.readTree(recorded.toString())) {
            if (frame.path("out").asBoolean() != out) {
                continue;
            }
            JsonNode parsed = JSON.readTree(frame.path("text").asText());
            if (kind.equals(parsed.path(out ? "action" : "type").asText())) {
                found.add(parsed);
            }
        }
        return found;
    }
}
