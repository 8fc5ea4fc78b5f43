package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.routes.Bucket;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Attachments end to end, as a client does it: {@code POST /attachments}, a PUT of the bytes to the
 * presigned URL (the local runtime's S3-compatible server), a send that references the attachment,
 * and {@code GET /attachments/{id}} for a presigned download; every refusal the protocol lists.
 */
class AttachmentsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String declaration(String conversationId, String contentType, long size, String fileName) {
        ObjectNode body = WsClient.JSON.createObjectNode().put("conversationId", conversationId)
                .put("contentType", contentType).put("size", size).put("fileName", fileName);
        return body.toString();
    }

    /** PUT to the presigned URL with the headers the answer says to send (the client sets Content-Length itself). */
    private static int upload(JsonNode started, byte[] content) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(started.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        for (Iterator<Map.Entry<String, JsonNode>> headers = started.get("uploadHeaders").fields(); headers.hasNext(); ) {
            Map.Entry<String, JsonNode> header = headers.next();
            if (!header.getKey().equalsIgnoreCase("content-length")) {
                put.header(header.getKey(), header.getValue().asText());
            }
        }
        return HTTP.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] download(String url) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode sendWithAttachments(WsClient client, String to, String clientMsgId, String... attachmentIds) {
        ObjectNode frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", to).put("clientMsgId", clientMsgId);
        var list = frame.putObject("body").putArray("attachments");
        for (String id : attachmentIds) {
            list.addObject().put("attachmentId", id);
        }
        return client.request(frame);
    }

    @Test
    void aFileUploadedThroughThePresignedUrlIsSentAndDownloadedByTheOtherMember() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        byte[] content = "the minutes of Monday's meeting\n".getBytes(StandardCharsets.UTF_8);

        Api.Reply started = Api.as(alice).post("/attachments", declaration(conversation, "text/plain", content.length, "minutes.txt"));
        assertThat(started.status()).isEqualTo(201);
        assertThat(started.body().get("expiresAt").asLong()).isGreaterThan(System.currentTimeMillis());
        assertThat(upload(started.body(), content)).isEqualTo(200);
        String attachmentId = started.body().get("attachmentId").asText();

        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            JsonNode sent = sendWithAttachments(a, bob, "file-1", attachmentId);
            assertThat(sent.get("type").asText()).isEqualTo("sent");
            JsonNode pushed = b.await(WsClient.messageIn(conversation));
            JsonNode reference = pushed.get("body").get("attachments").get(0);
            assertThat(reference.get("attachmentId").asText()).isEqualTo(attachmentId);
            assertThat(reference.get("contentType").asText()).isEqualTo("text/plain");
            assertThat(reference.get("size").asLong()).isEqualTo(content.length);
            assertThat(reference.get("fileName").asText()).isEqualTo("minutes.txt");
        }

        Api.Reply fetched = Api.as(bob).get("/attachments/" + attachmentId);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body().get("contentType").asText()).isEqualTo("text/plain");
        assertThat(fetched.body().get("size").asLong()).isEqualTo(content.length);
        assertThat(fetched.body().get("fileName").asText()).isEqualTo("minutes.txt");
        assertThat(fetched.body().has("thumbnailUrl")).isFalse();
        assertThat(download(fetched.body().get("downloadUrl").asText())).isEqualTo(content);
    }

    @Test
    void uploadsOverTheLimitOfAnotherTypeOrToAConversationOfOthersAreRefused() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        Api api = Api.as(alice);

        Api.Reply oversize = api.post("/attachments", declaration(conversation, "video/mp4", 100L * 1024 * 1024 + 1, "film.mp4"));
        assertThat(oversize.status()).isEqualTo(413);
        assertThat(oversize.body().get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");

        Api.Reply wrongType = api.post("/attachments", declaration(conversation, "application/x-msdownload", 10, "setup.exe"));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.body().get("code").asText()).isEqualTo("BAD_REQUEST");

        Api.Reply badName = api.post("/attachments", declaration(conversation, "image/png", 10, "../../etc/passwd"));
        assertThat(badName.body().get("code").asText()).isEqualTo("BAD_REQUEST");

        String others = ConversationId.direct(Parley.user("carol"), Parley.user("dave"));
        Api.Reply outsider = api.post("/attachments", declaration(others, "image/png", 10, "a.png"));
        assertThat(outsider.status()).isEqualTo(403);
        assertThat(outsider.body().get("code").asText()).isEqualTo("NOT_MEMBER");
    }

    @Test
    void theStoreRefusesAnUploadOfAnotherLengthOrTypeThanTheSignedOne() throws Exception {
        String alice = Parley.user("alice");
        String conversation = ConversationId.direct(alice, Parley.user("bob"));
        JsonNode started = Api.as(alice).post("/attachments", declaration(conversation, "image/png", 10, "a.png")).body();

        HttpResponse<String> longer = HTTP.send(HttpRequest.newBuilder(URI.create(started.get("uploadUrl").asText()))
                .header("Content-Type", "image/png").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[11])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(longer.statusCode()).isEqualTo(403);
        HttpResponse<String> otherType = HTTP.send(HttpRequest.newBuilder(URI.create(started.get("uploadUrl").asText()))
                .header("Content-Type", "text/html").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(otherType.statusCode()).isEqualTo(403);
    }

    @Test
    void aSendReferencingAnAttachmentThatIsMissingOthersOrMismatchedIsRefusedAndStoresNothing() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String conversation = ConversationId.direct(alice, bob);
        Api aliceApi = Api.as(alice);

        String notUploaded = aliceApi.post("/attachments", declaration(conversation, "text/plain", 5, "a.txt"))
                .body().get("attachmentId").asText();
        JsonNode bobs = Api.as(bob).post("/attachments", declaration(conversation, "text/plain", 5, "b.txt")).body();
        assertThat(upload(bobs, "hello".getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
        JsonNode forCarol = aliceApi.post("/attachments",
                declaration(ConversationId.direct(alice, carol), "text/plain", 5, "c.txt")).body();
        assertThat(upload(forCarol, "hello".getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
        // An object whose size and type differ from the declaration (written past the presigned URL).
        String mismatched = aliceApi.post("/attachments", declaration(conversation, "text/plain", 5, "d.txt"))
                .body().get("attachmentId").asText();
        try (var s3 = Parley.runtime().s3().client()) {
            s3.putObject(put -> put.bucket(Parley.runtime().config().get(dev.parley.model.config.Setting.ATTACHMENTS_BUCKET))
                    .key(Bucket.uploadKey(mismatched)).contentType("text/plain"), RequestBody.fromString("hello, world"));
        }

        try (WsClient a = Parley.connect(alice)) {
            for (String refused : new String[] {notUploaded, bobs.get("attachmentId").asText(),
                    forCarol.get("attachmentId").asText(), mismatched, "no-such-attachment"}) {
                JsonNode reply = sendWithAttachments(a, bob, "refused-" + refused, refused);
                assertThat(reply.get("type").asText()).as(refused).isEqualTo("error");
                assertThat(reply.get("code").asText()).as(refused).isEqualTo("BAD_REQUEST");
            }
            // Nothing was stored and no seq was used: the first accepted message is seq 1.
            assertThat(a.send(bob, "text-1", "hi").get("seq").asLong()).isEqualTo(1);
        }
        assertThat(Api.as(bob).post("/attachments", declaration(conversation, "text/plain", 5, "e.txt")).status())
                .isEqualTo(201);
    }

    @Test
    void onlyMembersGetADownloadAndOnlyOfAnUploadedAttachment() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        JsonNode started = Api.as(alice).post("/attachments", declaration(conversation, "text/plain", 2, "x.txt")).body();
        String attachmentId = started.get("attachmentId").asText();

        Api.Reply notYet = Api.as(bob).get("/attachments/" + attachmentId);
        assertThat(notYet.status()).isEqualTo(404);
        assertThat(notYet.body().get("code").asText()).isEqualTo("NOT_FOUND");

        assertThat(upload(started, "ok".getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
        Api.Reply outsider = Api.as(Parley.user("mallory")).get("/attachments/" + attachmentId);
        assertThat(outsider.status()).isEqualTo(403);
        assertThat(outsider.body().get("code").asText()).isEqualTo("NOT_MEMBER");
        assertThat(outsider.body().has("downloadUrl")).isFalse();
        assertThat(Api.as(bob).get("/attachments/" + attachmentId).status()).isEqualTo(200);
        assertThat(Api.as(bob).get("/attachments/not-an-id!").status()).isEqualTo(404);
    }

    @Test
    void anImageGetsAThumbnailOfAtMost320PixelsAndItsNotificationSaysPhoto() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        assertThat(Api.as(bob).put("/devices/phone", "{\"platform\":\"fcm\",\"pushToken\":\"fcm:token-photo-1\"}").status())
                .isEqualTo(204);
        BufferedImage picture = new BufferedImage(1200, 800, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = picture.createGraphics();
        graphics.setColor(Color.ORANGE);
        graphics.fillOval(100, 100, 1000, 600);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        byte[] content = png.toByteArray();

        JsonNode started = Api.as(alice).post("/attachments", declaration(conversation, "image/png", content.length, "sun.png")).body();
        assertThat(upload(started, content)).isEqualTo(200);
        String attachmentId = started.get("attachmentId").asText();

        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Api.as(bob).get("/attachments/" + attachmentId).body().has("thumbnailUrl"));
        byte[] thumbnail = download(Api.as(bob).get("/attachments/" + attachmentId).body().get("thumbnailUrl").asText());
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnail));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(320);
        assertThat(small.getWidth()).isGreaterThan(small.getHeight()); // the shape is kept

        try (WsClient a = Parley.connect(alice)) {
            assertThat(sendWithAttachments(a, bob, "photo-1", attachmentId).get("type").asText()).isEqualTo("sent");
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode notifications = NotificationsTest.notificationsOf(bob);
            return notifications.size() == 1 && "Photo".equals(notifications.get(0).get("preview").asText());
        });
    }
}
