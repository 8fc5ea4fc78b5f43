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
    record Shown(String text, String sender, String status, String seq) {}

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
                  seq: li.dataset.seq || ''}));""");
        return rows.stream().map(row -> new Shown(row.get("text"), row.get("sender"), row.get("status"),
                row.get("seq"))).toList();
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
