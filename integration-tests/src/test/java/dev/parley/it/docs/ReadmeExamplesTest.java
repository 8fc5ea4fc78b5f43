package dev.parley.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.it.support.Parley;
import dev.parley.local.LocalRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the README's "Quick start", "Chat through it", "A group chat in a few
 * commands", "Blocks, mute and group admins" and "Offline push notifications" sections, run as written (bash, curl, Node's WebSocket) against a freshly started
 * runtime (the shared one), with only the port changed; the output they promise is checked line by line. A
 * README that drifts from the code, or an example that races a cold start, fails here.
 */
class ReadmeExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalRuntime runtime;
    private static String readme;

    @BeforeAll
    static void start() throws Exception {
        readme = Files.readString(repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8);
        // The shared runtime: its other users have names of their own (Parley.user), never alice or bob.
        runtime = Parley.runtime();
    }

    @Test
    void theQuickStartShowsTheReadyLineTheRuntimePrints() {
        String quickStart = section("## Quick start");
        List<String> plain = blocks(quickStart, "");
        assertThat(plain).as("the READY line block in Quick start").hasSize(1);
        assertThat(adaptPort(plain.get(0).strip())).isEqualTo(runtime.readyLine());
        assertThat(bashBlocks(quickStart)).as("Quick start commands").anySatisfy(command ->
                assertThat(command).contains("./parley local").contains("mvn -B verify"));
    }

    @Test
    void theChatAndGroupExamplesPrintWhatTheyPromise(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("curl"),
                "the README's examples need node (20 or newer) and curl on the PATH");
        List<String> commands = new ArrayList<>(bashBlocks(section("## Chat through it")));
        assertThat(commands).as("token and node blocks in 'Chat through it'").hasSize(2);
        List<String> group = bashBlocks(section("### A group chat in a few commands"));
        assertThat(group).as("the block in 'A group chat in a few commands'").hasSize(1);
        commands.addAll(group);
        List<String> safety = bashBlocks(section("### Blocks, mute and group admins (protocol v2)"));
        assertThat(safety).as("the block in 'Blocks, mute and group admins'").hasSize(1);
        commands.addAll(safety);
        List<String> notifications = bashBlocks(section("### Offline push notifications, and new function code without a restart"));
        assertThat(notifications).as("the block in 'Offline push notifications'").hasSize(1);
        commands.addAll(notifications);
        String script = "set -euo pipefail\n" + adaptPort(String.join("\n", commands));
        assertThat(script).as("every address adapted to the test's port").doesNotContain(":8080");

        List<String> out = run(script, dir);

        // Chat through it: alice's two sent replies carry the same seq; bob gets one message push.
        List<JsonNode> aliceSent = frames(out, "alice got:", "sent");
        assertThat(aliceSent).as("alice's sent replies in " + out).hasSize(2);
        // The same seq for both (the in-process DynamoDB Local may hold an earlier alice-bob chat: seq 1 is not promised).
        long seq = aliceSent.get(0).get("seq").asLong();
        assertThat(aliceSent).extracting(f -> f.get("seq").asLong()).containsExactly(seq, seq);
        List<JsonNode> bobDirect = frames(out, "bob got:", "message").stream()
                .filter(f -> f.get("conversationId").asText().startsWith("dm:")).toList();
        assertThat(bobDirect).as("bob's direct pushes in " + out).hasSize(1);
        assertThat(bobDirect.get(0).get("senderId").asText()).isEqualTo("alice");
        assertThat(bobDirect.get(0).get("body").get("text").asText()).isEqualTo("hi bob");
        assertThat(bobDirect.get(0).get("seq").asLong()).isEqualTo(seq);

        // A group chat: the group id is echoed, bob's list has it, bob and carol get the push.
        String groupId = out.stream().filter(line -> line.startsWith("grp:")).findFirst().orElseThrow(
                () -> new AssertionError("no group id echoed in " + out));
        JsonNode list = json(out, "{\"conversations\"");
        assertThat(list.get("conversations")).extracting(c -> c.get("conversationId").asText()).contains(groupId);
        for (String member : List.of("bob", "carol")) {
            List<JsonNode> pushes = frames(out, member + " got:", "message").stream()
                    .filter(f -> f.get("conversationId").asText().equals(groupId))
                    .filter(f -> !"member".equals(f.path("kind").asText())).toList();
            assertThat(pushes).as(member + "'s group push in " + out).hasSize(1);
            assertThat(pushes.get(0).get("body").get("text").asText()).isEqualTo("12:30?");
            assertThat(pushes.get(0).get("seq").asLong()).as("seq 1 holds the group's creation").isEqualTo(2);
        }
        JsonNode withDave = json(out, "{\"conversationId\"");
        assertThat(withDave.get("members")).extracting(JsonNode::asText).containsExactlyInAnyOrder("alice", "bob", "carol", "dave");
        assertThat(out).as("dave removed").contains("204");
        JsonNode presence = json(out, "{\"presence\"");
        assertThat(presence.get("presence")).extracting(p -> p.get("userId").asText()).containsExactlyInAnyOrder("alice", "bob");

        // Protocol v2: the rename by the admin, carol's refusal, her mute, bob's block of alice.
        JsonNode renamed = parse(out.stream().filter(line -> line.contains("\"Team lunch\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no renamed group in " + out)));
        assertThat(renamed.get("admins")).extracting(JsonNode::asText).containsExactly("alice");
        assertThat(json(out, "{\"code\"").get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(json(out, "{\"conversationId\":\"" + groupId + "\",\"muted\"").get("muted").asBoolean()).isTrue();
        assertThat(json(out, "{\"blocked\"").get("blocked")).extracting(JsonNode::asText).containsExactly("alice");
        List<JsonNode> blocked = frames(out, "alice to bob:", "error");
        assertThat(blocked).as("alice's refused send in " + out).hasSize(1);
        assertThat(blocked.get(0).get("code").asText()).isEqualTo("BLOCKED");

        // Offline push notifications: bob's phone registered, alice's message is its notification; a reload.
        JsonNode notification = null;
        for (JsonNode n : json(out, "{\"notifications\"").get("notifications")) {
            if ("are you there?".equals(n.path("preview").asText())) {
                notification = n;
            }
        }
        assertThat(notification).as("bob's notification of alice's message in " + out).isNotNull();
        assertThat(notification.get("deviceId").asText()).isEqualTo("phone");
        assertThat(notification.get("platform").asText()).isEqualTo("fcm");
        assertThat(notification.get("senderId").asText()).isEqualTo("alice");
        assertThat(json(out, "{\"reloaded\"").get("reloaded").asBoolean()).isTrue();
        assertThat(out.stream().filter(line -> line.equals("204")))
                .as("promote, block, unblock, dave's removal and bob's device").hasSize(5);
    }

    /** The modules table is one table, and it names every module of the build (and client-js). */
    @Test
    void theModulesTableIsOneTableNamingEveryModule() throws Exception {
        List<String> rows = section("## The modules").lines()
                .dropWhile(line -> !line.startsWith("| module "))
                .takeWhile(line -> line.startsWith("|"))
                .skip(2)
                .map(line -> line.substring(2, line.indexOf(" |", 2)).replace("`", "").replace("/", ""))
                .toList();
        String pom = Files.readString(repositoryRoot().resolve("pom.xml"), StandardCharsets.UTF_8);
        List<String> modules = new ArrayList<>(java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(pom)
                .results().map(m -> m.group(1)).toList());
        modules.add("client-js");
        assertThat(rows).as("the rows of the modules table, up to its first non-table line")
                .containsExactlyInAnyOrderElementsOf(modules);
    }

    // ------------------------------------------------------------------ running

    private static List<String> run(String script, Path dir) throws IOException, InterruptedException {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process bash = new ProcessBuilder("bash", "-c", script).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        // A guard against a hung example, not a measurement: the examples give up after 30 s themselves.
        boolean ended = bash.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            bash.destroyForcibly();
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(ended).as("the examples ended; output so far:\n" + out + "\nerrors:\n" + err).isTrue();
        assertThat(bash.exitValue()).as("exit status; output:\n" + out + "\nerrors:\n" + err).isZero();
        return out.lines().toList();
    }

    /** The JSON frames printed after the prefix ("bob got:") whose type is the given one. */
    private static List<JsonNode> frames(List<String> out, String prefix, String type) {
        List<JsonNode> frames = new ArrayList<>();
        for (String line : out) {
            if (line.startsWith(prefix)) {
                JsonNode frame = parse(line.substring(prefix.length()).strip());
                if (type.equals(frame.path("type").asText())) {
                    frames.add(frame);
                }
            }
        }
        return frames;
    }

    private static JsonNode json(List<String> out, String start) {
        return parse(out.stream().filter(line -> line.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting " + start + " in " + out)));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    // ------------------------------------------------------------------ reading the README

    /** The README's lines from the heading to the next heading (outside code blocks), subsections excluded. */
    private static String section(String heading) {
        List<String> lines = readme.lines().toList();
        int start = lines.indexOf(heading);
        assertThat(start).as("README heading " + heading).isNotNegative();
        StringBuilder text = new StringBuilder();
        boolean inCode = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            }
            int hashes = line.length() - line.replaceFirst("^#+", "").length();
            if (!inCode && hashes > 0 && line.length() > hashes && line.charAt(hashes) == ' ') {
                break;
            }
            text.append(line).append('\n');
        }
        return text.toString();
    }

    private static List<String> bashBlocks(String section) {
        return blocks(section, "bash");
    }

    /** The code blocks of the section whose opening fence names the language ("" for none). */
    private static List<String> blocks(String section, String language) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        boolean inCode = false;
        for (String line : section.lines().toList()) {
            if (line.startsWith("```")) {
                if (!inCode && line.substring(3).strip().equals(language)) {
                    block = new StringBuilder();
                } else if (inCode && block != null) {
                    blocks.add(block.toString());
                    block = null;
                }
                inCode = !inCode;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static String adaptPort(String text) {
        return text.replace("localhost:8080", "127.0.0.1:" + runtime.port()).replace("127.0.0.1:8080", "127.0.0.1:" + runtime.port());
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("parley"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }
}
