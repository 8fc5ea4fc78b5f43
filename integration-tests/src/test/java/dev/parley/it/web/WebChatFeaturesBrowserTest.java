package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Parley;
import dev.parley.model.domain.ConversationId;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * The chat features of protocol v2 through the web page, between two windows: edit, delete,
 * reactions, replies, the typing indicator, and an image picked in the page, uploaded through its
 * presigned URL to the local S3 and shown inline to both.
 */
class WebChatFeaturesBrowserTest extends TwoBrowserWindows {

    @Test
    void editReactReplyTypeAndDeleteReachTheOtherWindowAndSurviveAReload() throws Exception {
        DirectChat chat = directChatStartedWith("see you at 9");
        String a = chat.alice();
        String b = chat.bob();
        String conversation = chat.conversation();
        String first = chat.firstSeq();

        // Alice corrects her message: both windows show the new text, marked edited, at the same seq.
        alice.edit(first, "see you at 10");
        for (ChatPage page : List.of(alice, bob)) {
            page.awaitSeq(first, m -> m.text().equals("see you at 10") && m.edited(), "edited");
        }
        assertThat(bob.messages()).extracting(ChatPage.Shown::text).containsExactly("see you at 10");

        // Bob reacts; Alice adds the same emoji by its chip; Bob takes his back.
        bob.react(first, "👍");
        alice.awaitReactions(first, List.of(new ChatPage.Reaction("👍", 1, false)));
        bob.awaitReactions(first, List.of(new ChatPage.Reaction("👍", 1, true)));
        alice.toggleReaction(first, "👍");
        bob.awaitReactions(first, List.of(new ChatPage.Reaction("👍", 2, true)));
        alice.awaitReactions(first, List.of(new ChatPage.Reaction("👍", 2, true)));
        bob.toggleReaction(first, "👍");
        alice.awaitReactions(first, List.of(new ChatPage.Reaction("👍", 1, true)));
        bob.awaitReactions(first, List.of(new ChatPage.Reaction("👍", 1, false)));

        // Bob replies: Alice sees the reply with a quote of the message it answers.
        bob.reply(first, "10 works");
        ChatPage.Shown reply = alice.awaitMessage("10 works");
        assertThat(reply.replyTo()).isEqualTo(first);
        assertThat(alice.quoteOf(reply.seq())).contains("You").contains("see you at 10");
        assertThat(bob.quoteOf(reply.seq())).contains(a).contains("see you at 10");

        // Bob types: Alice sees it while he types, and no more once he cleared the box.
        bob.typeWithoutSending("and bring");
        alice.await("bob shown typing", d -> alice.typingShown().equals(b + " is typing…"));
        bob.clearMessageBox();
        alice.await("bob no longer shown typing", d -> alice.typingShown().isEmpty());

        // Alice deletes her message: gone for both, and the reply's quote says so.
        alice.delete(first);
        for (ChatPage page : List.of(alice, bob)) {
            page.awaitSeq(first, m -> m.deleted() && m.text().equals("Message deleted"), "deleted");
            page.await("the quote naming the deletion", d -> page.quoteOf(reply.seq()).contains("Message deleted"));
        }
        shoot(bobWindow, "features-1100px");

        // A reload builds the same timeline from the server's pages (current state per message).
        bobWindow.navigate().refresh();
        bob.awaitOnline();
        bob.openFromList(conversation);
        bob.awaitSeq(first, ChatPage.Shown::deleted, "deleted after the reload");
        ChatPage.Shown reloadedReply = bob.awaitMessage("10 works");
        assertThat(reloadedReply.replyTo()).isEqualTo(first);
        assertThat(bob.messages()).extracting(ChatPage.Shown::seq, ChatPage.Shown::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first, "Message deleted"),
                org.assertj.core.groups.Tuple.tuple(reply.seq(), "10 works"));
    }

    @Test
    void anImagePickedInThePageIsUploadedWithProgressAndShownInlineToBoth() throws Exception {
        String a = Parley.user("alice");
        String b = Parley.user("bob");
        String conversation = ConversationId.direct(a, b);
        alice.signIn(a);
        bob.signIn(b);
        alice.openChatWith(b);
        alice.send("photo coming");
        alice.awaitMessage("photo coming", "sent");

        Path photo = picture(1200, 800);
        alice.attach(photo);
        WebElement upload = alice.await("the upload to finish", d -> {
            List<WebElement> uploads = d.findElements(By.cssSelector("#uploads [data-testid=\"upload\"]"));
            return !uploads.isEmpty() && "done".equals(uploads.get(0).getDomAttribute("data-status")) ? uploads.get(0) : null;
        });
        WebElement progress = upload.findElement(By.cssSelector("progress"));
        assertThat(progress.getDomProperty("value")).isEqualTo(progress.getDomProperty("max"));
        assertThat(upload.findElements(By.cssSelector("img.upload-preview"))).as("a preview of the picked image").hasSize(1);
        alice.send("the view from the hotel");

        for (ChatPage page : List.of(alice, bob)) {
            if (page == bob) {
                bob.openFromList(conversation);
            }
            page.awaitMessage("the view from the hotel");
            page.await("the photo shown inline from its thumbnail", d -> Boolean.TRUE.equals(d.findElements(
                    By.cssSelector("[data-testid=\"attachment-image\"][data-thumbnail=\"true\"]")).stream()
                    .anyMatch(img -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                            "return arguments[0].complete && arguments[0].naturalWidth > 0", img)))));
        }
        Long width = (Long) bobWindow.executeScript(
                "return document.querySelector('[data-testid=\"attachment-image\"]').naturalWidth");
        assertThat(width).as("a thumbnail of at most 320 px, not the 1200 px original").isBetween(1L, 320L);
        assertThat(alice.messages()).extracting(ChatPage.Shown::text).endsWith("the view from the hotel");
        assertThat(aliceWindow.findElements(By.cssSelector("#uploads [data-testid=\"upload\"]"))).as("sent, no longer staged").isEmpty();
        shoot(bobWindow, "image-1100px");
        try {
            bobWindow.manage().window().setSize(new Dimension(390, 844));
            bob.await("the photo inside a phone's width", d -> Boolean.TRUE.equals(bobWindow.executeScript(
                    "const r = document.querySelector('[data-testid=\"attachment-image\"]').getBoundingClientRect();"
                            + " return r.width > 0 && r.right <= window.innerWidth;")));
            shoot(bobWindow, "image-390px");
        } finally {
            bobWindow.manage().window().setSize(new Dimension(1100, 900));
        }

        // A file dropped on the conversation is attached the same way; Bob gets a link to it.
        aliceWindow.executeScript("""
                const transfer = new DataTransfer();
                transfer.items.add(new File(['the agenda\\n'.repeat(50)], 'agenda.txt', { type: 'text/plain' }));
                document.getElementById('conversation').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));""");
        alice.await("the dropped file uploaded", d -> d.findElements(By.cssSelector("#uploads [data-testid=\"upload\"][data-status=\"done\"]")).size() == 1);
        alice.send("the agenda");
        WebElement link = bob.await("a link to the dropped file", d -> d.findElements(By.cssSelector("a[data-testid=\"attachment-file\"]"))
                .stream().filter(anchor -> anchor.getText().startsWith("File: agenda.txt")).findFirst().orElse(null));
        assertThat(link.getDomAttribute("href")).startsWith("http://127.0.0.1:").contains("X-Amz-Signature=");

        // A kind of file the server refuses is not uploaded at all: the page says why.
        Path program = Files.createDirectories(Path.of("target", "browser-files")).resolve("setup.bin");
        Files.write(program, new byte[] {0x4d, 0x5a, 0, 0});
        alice.attach(program);
        alice.await("the refusal shown", d -> d.findElement(By.id("notice")).getText().contains("setup.bin: this kind of file cannot be sent"));
        assertThat(aliceWindow.findElements(By.cssSelector("#uploads [data-testid=\"upload\"]"))).isEmpty();
    }

    /** A PNG of this size with some drawing on it, in target/. */
    private static Path picture(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x2b6cb0));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0xf6ad55));
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        Path file = Files.createDirectories(Path.of("target", "browser-files")).resolve("hotel-view.png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
