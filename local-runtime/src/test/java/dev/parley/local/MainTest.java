package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./parley local} as a newcomer meets it: start-up failures are one clear line and an exit. */
class MainTest {

    @Test
    void aTakenPortIsOneClearLineANonZeroExitAndTheJvmEnds(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path err = dir.resolve("stderr");
            Process process = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Dsqlite4java.library.path=" + System.getProperty("sqlite4java.library.path", "target/native-libs"),
                    Main.class.getName(), "--port", Integer.toString(taken.getLocalPort())))
                    .redirectError(err.toFile())
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .start();
            boolean ended = process.waitFor(2, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly();
            }
            assertThat(ended).as("the JVM ended by itself").isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            assertThat(lines).containsExactly("parley: could not start: port " + taken.getLocalPort()
                    + " is already in use (another ./parley local?); stop it or pick another with --port N");
            assertThat(Files.readString(dir.resolve("stdout"))).doesNotContain("PARLEY READY");
        }
    }
}
