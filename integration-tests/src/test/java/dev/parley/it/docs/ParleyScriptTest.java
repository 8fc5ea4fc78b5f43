package dev.parley.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.reliability.ChildRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import dev.parley.testsupport.http.ParleyHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first ten minutes with {@code ./parley}, as a newcomer meets them: the script itself is run
 * (with {@code PARLEY_NO_BUILD=1}, so that it starts what this build made instead of running Maven
 * inside Maven), its output read as a terminal would show it.
 */
class ParleyScriptTest {
    /** Bounds against a hang, the failure these tests guard against; not measurements. */
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration END = Duration.ofSeconds(30);
    private static final Pattern ACTIVITY = Pattern.compile(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO activity - (connected|message from|disconnected) .*");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path root;

    @BeforeAll
    static void built() {
        root = repositoryRoot();
        Path target = root.resolve("local-runtime/target");
        Assumptions.assumeTrue(Files.isRegularFile(target.resolve("local-runtime-0.1.0-SNAPSHOT.jar"))
                        && Files.isDirectory(target.resolve("lib")),
                "./parley local runs local-runtime's packaged jar and target/lib: package local-runtime first");
    }

    @Test
    void helpPrintsTheUsageNotTheScript(@TempDir Path dir) throws Exception {
        Run help = Run.start(dir, "help");
        assertThat(help.process.waitFor(END.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(help.process.exitValue()).isZero();
        List<String> lines = help.out();
        assertThat(lines).first().isEqualTo("Parley's developer entry point.");
        assertThat(lines).anyMatch(line -> line.strip().startsWith("./parley local [--port N]"));
        assertThat(String.join("\n", lines)).doesNotContain("set -euo pipefail").doesNotContain("#");
    }

    @Test
    void aTakenPortIsOneClearLineAndANonZeroExit(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Run local = Run.start(dir, "local", "--port", Integer.toString(taken.getLocalPort()));
            boolean ended = local.process.waitFor(START.toSeconds(), TimeUnit.SECONDS);
            local.destroy();
            assertThat(ended).as("./parley local ended by itself").isTrue();
            assertThat(local.process.exitValue()).isEqualTo(1);
            assertThat(local.err()).containsExactly("parley: could not start: port " + taken.getLocalPort()
                    + " is already in use (another ./parley local?); stop it or pick another with --port N");
            assertThat(local.out()).isEmpty();
        }
    }

    /**
     * Quiet by default: after the READY line, one human-readable line per connect, disconnect and
     * message, and nothing else (no DynamoDB Local banner, no JAXB warning, no JSON).
     */
    @Test
    void theTerminalShowsTheReadyLineThenOneLinePerConnectMessageAndDisconnect(@TempDir Path dir) throws Exception {
        int port = ChildRuntime.freePort();
        Run local = Run.start(dir, "local", "--port", Integer.toString(port));
        try {
            local.awaitOut("PARLEY READY");
            chat(port);
            Awaitility.await().atMost(END).until(() -> local.err().stream().filter(l -> l.contains(" - disconnected ")).count() == 2);
        } finally {
            local.destroy();
        }
        assertThat(local.out()).hasSize(1).first().asString().startsWith("PARLEY READY {");
        List<String> err = local.err();
        assertThat(err).as("standard error").allMatch(line -> ACTIVITY.matcher(line).matches());
        assertThat(err).filteredOn(line -> line.contains(" - connected ")).hasSize(2);
        assertThat(err).filteredOn(line -> line.contains("message from alice/laptop")).hasSize(1);
    }

    /** {@code --log-format json}: the functions' JSON lines with EMF, each message followable by conversation and seq. */
    @Test
    void jsonLogFormatGivesTheFunctionsJsonLines(@TempDir Path dir) throws Exception {
        int port = ChildRuntime.freePort();
        Run local = Run.start(dir, "local", "--port", Integer.toString(port), "--log-format", "json");
        String conversation = ConversationId.direct("alice", "bob");
        try {
            local.awaitOut("PARLEY READY");
            chat(port);
            Awaitility.await().atMost(END).until(() -> local.err().stream()
                    .anyMatch(l -> l.contains("\"route\":\"fanout\"") && l.contains("\"entry\":\"message\"")));
        } finally {
            local.destroy();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : local.err()) {
            lines.add(WsClient.JSON.readTree(line)); // every line is JSON
        }
        JsonNode send = lines.stream().filter(l -> "send".equals(l.path("route").asText())).findFirst().orElseThrow();
        assertThat(send.path("conversationId").asText()).isEqualTo(conversation);
        assertThat(send.path("seq").asLong()).isEqualTo(1);
        assertThat(send.path("_aws").path("CloudWatchMetrics").isArray()).as("EMF metrics").isTrue();
        JsonNode push = lines.stream().filter(l -> "fanout".equals(l.path("route").asText())
                && "message".equals(l.path("entry").asText())).findFirst().orElseThrow();
        assertThat(push.path("conversationId").asText()).isEqualTo(conversation);
        assertThat(push.path("seq").asLong()).isEqualTo(1);
        assertThat(push.path("pushed").asInt()).isEqualTo(1);
    }

    @Test
    void killingWatchEndsItsRuntimeAndFreesThePort(@TempDir Path dir) throws Exception {
        int port = ChildRuntime.freePort();
        Run watch = Run.start(dir, "local", "--watch", "--port", Integer.toString(port));
        try {
            ProcessHandle jvm = watch.awaitWatching();
            watch.process.destroy(); // SIGTERM, what `kill PID` sends
            assertThat(jvm.onExit()).as("the runtime's JVM ends with the script").succeedsWithin(END);
            assertThat(listening(port)).as("port " + port + " free again").isFalse();
        } finally {
            watch.destroy();
        }
    }

    @Test
    void killDashNineOfWatchEndsItsRuntimeToo(@TempDir Path dir) throws Exception {
        int port = ChildRuntime.freePort();
        Run watch = Run.start(dir, "local", "--watch", "--port", Integer.toString(port));
        try {
            ProcessHandle jvm = watch.awaitWatching();
            watch.process.destroyForcibly(); // SIGKILL: the script's trap cannot run
            assertThat(jvm.onExit()).as("the runtime's JVM ends with the script").succeedsWithin(END);
            assertThat(listening(port)).as("port " + port + " free again").isFalse();
        } finally {
            watch.destroy();
        }
    }

    @Test
    void theLogFileTheReadmeSuggestsIsIgnoredByGit() throws Exception {
        Process git;
        try {
            git = new ProcessBuilder("git", "check-ignore", "-q", "parley.log").directory(root.toFile()).start();
        } catch (IOException noGit) {
            Assumptions.abort("git is not installed");
            return;
        }
        assertThat(git.waitFor(END.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(git.exitValue() != 128, "not a git checkout");
        assertThat(git.exitValue()).as("git check-ignore parley.log (0: ignored)").isZero();
    }

    // ------------------------------------------------------------------ helpers

    /** Alice and Bob connect, Alice sends Bob one message, Bob gets its push, both close. */
    private static void chat(int port) {
        String base = "http://127.0.0.1:" + port;
        String websocket = "ws://127.0.0.1:" + port;
        try (WsClient bob = WsClient.connect(websocket, ParleyHttp.devToken(HTTP, base, "bob", null));
             WsClient alice = WsClient.connect(websocket, ParleyHttp.devToken(HTTP, base, "alice", "laptop"))) {
            alice.send("bob", "first-ten-minutes", "hi bob");
            bob.await(WsClient.messageIn(ConversationId.direct("alice", "bob")), END);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** {@code ./parley ARGS} from the repository root, its two streams in files. */
    private record Run(Process process, Path stdout, Path stderr) {
        static Run start(Path dir, String... arguments) throws IOException {
            List<String> command = new ArrayList<>(List.of("bash", root.resolve("parley").toString()));
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                    .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
            builder.environment().put("PARLEY_NO_BUILD", "1");
            return new Run(builder.start(), dir.resolve("stdout"), dir.resolve("stderr"));
        }

        List<String> out() throws IOException {
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        }

        List<String> err() throws IOException {
            return Files.readAllLines(stderr, StandardCharsets.UTF_8);
        }

        void awaitOut(String text) {
            Awaitility.await("'" + text + "' on standard output").atMost(START)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("./parley ended: " + err());
                        }
                        return out().stream().anyMatch(line -> line.contains(text));
                    });
        }

        /** Waits for --watch's "watching" line; the runtime's JVM. */
        ProcessHandle awaitWatching() {
            Awaitility.await("--watch watching").atMost(START).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("./parley ended: " + err());
                }
                return err().stream().anyMatch(line -> line.startsWith("parley: watching"));
            });
            return process.descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("dev.parley.local.Main"))
                    .findFirst().orElseThrow(() -> new AssertionError("no runtime JVM under ./parley local --watch"));
        }

        /** Ends the script and everything it started (a test's clean-up; idempotent). */
        void destroy() throws InterruptedException {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            children.forEach(ProcessHandle::destroy);
            if (!process.waitFor(END.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : children) {
                try {
                    child.onExit().get(END.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception stillThere) {
                    child.destroyForcibly();
                }
            }
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("parley"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no ./parley above " + Path.of("").toAbsolutePath());
    }
}
