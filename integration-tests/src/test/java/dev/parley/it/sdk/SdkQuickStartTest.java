package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Group;
import dev.parley.client.MessageListener;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * client-sdk/README.md's runnable example is the code between the markers below: the test checks
 * that the README shows it verbatim and runs it against the local runtime.
 */
class SdkQuickStartTest {

    // README:begin
    /** A token from the local runtime's issuer: POST /dev/token answers {"token":"<JWT>"}. */
    static String localToken(String base, String userId, String deviceId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/dev/token"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"userId\":\"" + userId + "\",\"deviceId\":\"" + deviceId + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    static ParleyClient client(String base, String userId, MessageListener listener) {
        return ParleyClient.builder()
                .websocketUrl(base.replaceFirst("^http", "ws"))     // ws://127.0.0.1:8080
                .httpUrl(base + "/api")                              // http://127.0.0.1:8080/api
                .tokenSupplier(() -> localToken(base, userId, "laptop"))
                .connectTimeout(Duration.ofSeconds(10))
                .listener(listener)
                .build();
    }

    static void chat(String base, String alice, String bob) throws Exception {
        CountDownLatch bobGotIt = new CountDownLatch(1);
        try (ParleyClient bobClient = client(base, bob, message -> {
                 System.out.println(bob + " got: " + message.text());
                 bobGotIt.countDown();
             });
             ParleyClient aliceClient = client(base, alice, message -> {})) {
            bobClient.connect().join();                      // open and caught up
            aliceClient.connect().join();
            Sent sent = aliceClient.sendText(To.user(bob), "hi " + bob).join();
            System.out.println("stored as seq " + sent.seq() + " in " + sent.conversationId());
            if (!bobGotIt.await(30, TimeUnit.SECONDS)) {     // wait for the push, not a fixed time
                throw new IllegalStateException(bob + " got nothing");
            }
            Group lunch = aliceClient.createGroup("Lunch", List.of(bob)).join();
            aliceClient.sendText(To.conversation(lunch.conversationId()), "12:30?").join();
            System.out.println(bobClient.conversations().join());
            System.out.println(aliceClient.presence(List.of(bob)).join());
        }
    }
    // README:end

    @Test
    void theReadmesExampleIsThisCodeAndItChatsThroughTheLocalRuntime() throws Exception {
        String example = Files.readString(find("integration-tests/src/test/java/dev/parley/it/sdk/SdkQuickStartTest.java"));
        String marked = example.substring(example.indexOf("    // README:begin\n") + "    // README:begin\n".length(),
                example.indexOf("    // README:end"));
        String readme = Files.readString(find("client-sdk/README.md"));
        assertThat(readme).as("client-sdk/README.md shows the example verbatim").contains(marked);

        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            chat(Parley.runtime().connectionsUrl(), alice, bob);
        } finally {
            System.setOut(original);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains(bob + " got: hi " + bob).contains("stored as seq 1 in dm:")
                .contains("ConversationList[conversations=").contains("Presence[userId=" + bob + ", online=true");
    }

    private static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(relative);
            if (Files.exists(file)) {
                return file;
            }
        }
        throw new IllegalStateException("no " + relative + " above " + Path.of("").toAbsolutePath());
    }
}
