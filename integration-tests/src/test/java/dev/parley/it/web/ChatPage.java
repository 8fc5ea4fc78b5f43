package dev.parley.it.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web chat page (local-runtime {@code /web/index.html}) in one browser window, driven the way
 * a person uses it: typing into its labelled fields and pressing its buttons. What it shows is
 * read from the DOM through the page's stable ids and {@code data-testid} attributes.
 */
final class ChatPage {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** One message as the timeline shows it. */
    record Shown(String text, String sender, String status, String seq, boolean edited, boolean deleted, String replyTo) {}

    /** One reaction chip under a message: the emoji, its count, and whether the user is among them. */
    record Reaction(String emoji, int count, boolean mine) {}

    final ChromeDriver driver;
    private final String pageUrl;
    private String user;

    ChatPage(ChromeDriver driver, String pageUrl) {
        this.driver = driver;
        this.pageUrl = pageUrl;
    }

    String user() {
        return user;
    }

    /** Loads the page afresh (nothing remembered from earlier tests) and signs in as the user. */
    ChatPage signIn(String userId) {
        driver.get(pageUrl);
        driver.executeScript("sessionStorage.clear(); localStorage.clear();");
        driver.navigate().refresh();
        type(By.id("login-user"), userId);
        driver.findElement(By.id("login-submit")).click();
        this.user = userId;
        awaitOnline();
        return this;
    }

    /** Clicks "Sign out": the page closes its connection (close code 1000) and shows the sign-in form. */
    void signOut() {
        driver.findElement(By.id("sign-out")).click();
        await("the sign-in form", d -> d.findElement(By.id("login")).isDisplayed());
    }

    void awaitOnline() {
        await("the connection status to be online", d -> "online".equals(status().getDomAttribute("data-state")));
    }

    void awaitOffline() {
        await("the connection status to be offline", d -> "offline".equals(status().getDomAttribute("data-state")));
    }

    String connectionState() {
        return status().getDomAttribute("data-state");
    }

    /** How many WebSocket connections the page has opened since it was loaded. */
    int connections() {
        return Integer.parseInt(Objects.requireNonNullElse(status().getDomAttribute("data-connections"), "0"));
    }

    private WebElement status() {
        return driver.findElement(By.id("connection-status"));
    }

    /** Opens the direct conversation with the user through the "Chat with" field. */
    void openChatWith(String userId) {
        type(By.id("open-user"), userId);
        driver.findElement(By.id("open-submit")).click();
        await("the conversation with " + userId + " to open",
                d -> userId.equals(d.findElement(By.id("conversation-title")).getText()));
    }

    /** Opens a conversation by clicking it in the conversation list. */
    void openFromList(String conversationId) {
        await("conversation " + conversationId + " in the list to click", d -> {
            List<WebElement> buttons = conversationButtons(conversationId);
            if (buttons.isEmpty()) {
                return false;
            }
            buttons.get(0).click();
            return true;
        });
        await("conversation " + conversationId + " to open", d -> conversationId.equals(
                d.findElement(By.id("conversation-title")).getDomAttribute("data-conversation-id")));
    }

    void send(String text) {
        type(By.id("composer-text"), text);
        driver.findElement(By.id("composer-send")).click();
    }

    /** The open conversation's timeline, top to bottom. */
    @SuppressWarnings("unchecked")
    List<Shown> messages() {
        List<Map<String, String>> rows = (List<Map<String, String>>) driver.executeScript("""
                return [...document.querySelectorAll('#messages [data-testid="message"]')].map(li => ({
                  text: li.querySelector('[data-testid="message-text"]').textContent,
                  sender: li.dataset.sender || '',
                  status: li.dataset.status || '',
                  seq: li.dataset.seq || '',
                  edited: li.dataset.edited || '',
                  deleted: li.dataset.deleted || '',
                  replyTo: li.dataset.replyTo || ''}));""");
        return rows.stream().map(row -> new Shown(row.get("text"), row.get("sender"), row.get("status"),
                row.get("seq"), "true".equals(row.get("edited")), "true".equals(row.get("deleted")), row.get("replyTo")))
                .toList();
    }

    /** Waits until the open conversation shows a message with exactly this text. */
    Shown awaitMessage(String text) {
        return awaitMessage(text, null);
    }

    /** Waits until the open conversation shows the message with this text in this status. */
    Shown awaitMessage(String text, String status) {
        Shown[] found = new Shown[1];
        await("message '" + text + "'" + (status == null ? "" : " with status " + status), d -> {
            for (Shown shown : messages()) {
                if (shown.text().equals(text) && (status == null || status.equals(shown.status()))) {
                    found[0] = shown;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until the open conversation shows the message at this seq and answers it. */
    Shown awaitSeq(String seq, java.util.function.Predicate<Shown> condition, String what) {
        Shown[] found = new Shown[1];
        await("message " + seq + " " + what, d -> {
            for (Shown shown : messages()) {
                if (shown.seq().equals(seq) && condition.test(shown)) {
                    found[0] = shown;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The status line under the user's message with this text ("Sent", "Seen", "Not sent: ..."). */
    String statusOf(String text) {
        return (String) driver.executeScript("""
                const li = [...document.querySelectorAll('#messages [data-testid="message"]')]
                  .find(m => m.querySelector('[data-testid="message-text"]').textContent === arguments[0]);
                const status = li && li.querySelector('[data-testid="message-status"]');
                return status ? status.textContent : '';""", text);
    }

    /** The message at this seq in the open conversation's timeline. */
    WebElement message(String seq) {
        return await("message " + seq + " on screen", d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#messages [data-testid=\"message\"][data-seq=\"" + seq + "\"]"));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    /** Clicks the message (showing its actions), then the action's button. */
    void act(String seq, String action) {
        await("the " + action + " button of message " + seq, d -> {
            WebElement message = message(seq);
            List<WebElement> buttons = message.findElements(By.cssSelector("[data-testid=\"action-" + action + "\"]"));
            if (buttons.isEmpty() || !buttons.get(0).isDisplayed()) {
                message.findElement(By.cssSelector("[data-testid=\"message-text\"], .files")).click();
                return false;
            }
            buttons.get(0).click();
            return true;
        });
    }

    /** Edits the user's message at this seq through its Edit action and the message box. */
    void edit(String seq, String newText) {
        act(seq, "edit");
        await("the message box in edit mode", d -> "edit".equals(d.findElement(By.id("compose-context")).getDomAttribute("data-kind")));
        type(By.id("composer-text"), newText);
        driver.findElement(By.id("composer-send")).click();
    }

    /** Deletes the message at this seq, confirming in the dialog. */
    void delete(String seq) {
        act(seq, "delete");
        await("the delete dialog", d -> d.findElement(By.id("delete-confirm")).isDisplayed());
        driver.findElement(By.id("delete-confirm")).click();
    }

    /** Reacts through the message's React action and the emoji picker. */
    void react(String seq, String emoji) {
        act(seq, "react");
        await("the emoji picker of message " + seq, d -> {
            for (WebElement pick : message(seq).findElements(By.cssSelector("[data-testid=\"pick-emoji\"]"))) {
                if (emoji.equals(pick.getDomAttribute("data-emoji"))) {
                    pick.click();
                    return true;
                }
            }
            return false;
        });
    }

    /** Clicks the reaction chip under the message (adds the user's reaction, or takes it back). */
    void toggleReaction(String seq, String emoji) {
        await("the " + emoji + " chip of message " + seq, d -> {
            for (WebElement chip : message(seq).findElements(By.cssSelector("[data-testid=\"reaction\"]"))) {
                if (emoji.equals(chip.getDomAttribute("data-emoji"))) {
                    chip.click();
                    return true;
                }
            }
            return false;
        });
    }

    @SuppressWarnings("unchecked")
    List<Reaction> reactions(String seq) {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) driver.executeScript("""
                const li = document.querySelector('#messages [data-testid="message"][data-seq="' + arguments[0] + '"]');
                return li === null ? [] : [...li.querySelectorAll('[data-testid="reaction"]')].map(b => ({
                  emoji: b.dataset.emoji, count: b.dataset.count, mine: b.getAttribute('aria-pressed')}));""", seq);
        return rows.stream().map(row -> new Reaction((String) row.get("emoji"), Integer.parseInt((String) row.get("count")),
                "true".equals(row.get("mine")))).toList();
    }

    void awaitReactions(String seq, List<Reaction> expected) {
        await("reactions " + expected + " on message " + seq, d -> reactions(seq).equals(expected));
    }

    /** Replies to the message at this seq through its Reply action. */
    void reply(String seq, String text) {
        act(seq, "reply");
        await("the message box in reply mode", d -> "reply".equals(d.findElement(By.id("compose-context")).getDomAttribute("data-kind")));
        send(text);
    }

    /** The quote a reply at this seq shows of the message it answers. */
    String quoteOf(String seq) {
        return message(seq).findElement(By.cssSelector("[data-testid=\"reply-quote\"]")).getText();
    }

    /** Types into the message box without sending (the others see the typing indicator). */
    void typeWithoutSending(String text) {
        type(By.id("composer-text"), text);
    }

    /** Empties the message box by deleting its text as a person does. */
    void clearMessageBox() {
        WebElement box = driver.findElement(By.id("composer-text"));
        box.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), org.openqa.selenium.Keys.DELETE);
    }

    /** What the typing line above the message box says. */
    String typingShown() {
        return driver.findElement(By.id("typing")).getText();
    }

    /** Picks files with the page's file chooser (the Attach button's input). */
    void attach(java.nio.file.Path file) {
        driver.findElement(By.id("attach-input")).sendKeys(file.toAbsolutePath().toString());
    }

    /** The line under the conversation in the list (its latest message, or who is typing). */
    String previewOf(String conversationId) {
        List<WebElement> buttons = conversationButtons(conversationId);
        return buttons.isEmpty() ? "" : buttons.get(0).findElement(By.cssSelector("[data-testid=\"conversation-preview\"]")).getText();
    }

    /** The membership lines of the open conversation's timeline, top to bottom. */
    List<String> memberNotes() {
        return driver.findElements(By.cssSelector("#messages [data-testid=\"member-note\"]")).stream()
                .map(WebElement::getText).toList();
    }

    /** Opens the group's "Manage group" panel (members, name, admins, leave). */
    void openGroupTools() {
        WebElement tools = driver.findElement(By.id("group-tools"));
        if (tools.getDomAttribute("open") == null) {
            tools.findElement(By.tagName("summary")).click();
        }
        await("the group tools open", d -> d.findElement(By.id("leave-group")).isDisplayed());
    }

    /** Creates a group in the "New group" panel and waits until it opens; answers its id. */
    String createGroup(String name, String... members) {
        driver.findElement(By.cssSelector("#group-panel summary")).click();
        type(By.id("group-name"), name);
        type(By.id("group-members"), String.join(",", members));
        driver.findElement(By.id("group-create")).click();
        return await("the new group to open", d -> {
            String id = d.findElement(By.id("conversation-title")).getDomAttribute("data-conversation-id");
            return id != null && id.startsWith("grp:") ? id : null;
        });
    }

    /** Fills the field of the "Manage group" panel and presses the button (add, remove, rename, admin rights). */
    void manageGroup(String field, String value, String button) {
        openGroupTools();
        type(By.id(field), value);
        driver.findElement(By.id(button)).click();
    }

    /** Whether the "Manage group" panel offers the admin-only controls (add or remove members, rename, admin rights). */
    boolean offersAdminControls() {
        openGroupTools();
        return List.of("member-add", "member-remove", "rename-submit", "admin-add", "admin-remove").stream()
                .allMatch(id -> driver.findElement(By.id(id)).isDisplayed());
    }

    /** Whether none of the admin-only controls is on screen. */
    boolean hidesAdminControls() {
        openGroupTools();
        return List.of("member-add", "member-remove", "rename-submit", "admin-add", "admin-remove").stream()
                .noneMatch(id -> driver.findElement(By.id(id)).isDisplayed());
    }

    String title() {
        return driver.findElement(By.id("conversation-title")).getText();
    }

    String membersShown() {
        return driver.findElement(By.id("conversation-members")).getText();
    }

    /** The notice line at the top of the page (errors and refusals), empty when none is shown. */
    String notice() {
        WebElement notice = driver.findElement(By.id("notice"));
        return notice.isDisplayed() ? notice.getText() : "";
    }

    /** The header's toggle button ({@code mute-toggle}, {@code block-toggle}): clicked, then its label awaited. */
    void toggle(String id, String labelAfter) {
        driver.findElement(By.id(id)).click();
        await(id + " to read " + labelAfter, d -> labelAfter.equals(d.findElement(By.id(id)).getText()));
    }

    /** What a screen reader hears of the conversation's line in the list (name, presence, unread, muted). */
    String listEntryOf(String conversationId) {
        List<WebElement> buttons = conversationButtons(conversationId);
        return buttons.isEmpty() ? "" : buttons.get(0).getDomProperty("textContent");
    }

    /** The unread count the conversation list shows for the conversation (0 when not listed). */
    int unread(String conversationId) {
        List<WebElement> buttons = conversationButtons(conversationId);
        return buttons.isEmpty() ? 0 : Integer.parseInt(buttons.get(0).getDomAttribute("data-unread"));
    }

    void awaitUnread(String conversationId, int count) {
        await(count + " unread in " + conversationId, d -> unread(conversationId) == count);
    }

    String presenceShown() {
        return driver.findElement(By.id("conversation-presence")).getText();
    }

    List<WebElement> conversationButtons(String conversationId) {
        return driver.findElements(By.cssSelector(
                "#conversation-list [data-testid=\"conversation\"][data-conversation-id=\"" + conversationId + "\"]"));
    }

    /** Scrolls the timeline to its top, as a reader going back in time does. */
    void scrollTimelineToTop() {
        driver.executeScript("document.getElementById('timeline').scrollTop = 0;");
    }

    /** Scrolls the timeline to its newest message, as a reader catching up does. */
    void scrollTimelineToBottom() {
        driver.executeScript("const t = document.getElementById('timeline'); t.scrollTop = t.scrollHeight;");
    }

    boolean loadOlderShown() {
        return driver.findElement(By.id("load-older")).isDisplayed();
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).withMessage(() -> user + "'s page: waiting for " + what)
                .ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    T value = condition.apply(d);
                    return value instanceof Boolean b && !b ? null : value;
                });
    }

    private void type(By field, String text) {
        WebElement input = driver.findElement(field);
        input.clear();
        input.sendKeys(text);
    }
}
