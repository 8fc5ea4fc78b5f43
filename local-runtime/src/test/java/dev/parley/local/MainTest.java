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
            Process process = main(dir, "--port", Integer.toString(taken.getLocalPort()));
            assertEndedWithOneLine(process, dir, "parley: could not start: port " + taken.getLocalPort()
                    + " is already in use (another ./parley local?); stop it or pick another with --port N");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsOneClearLineANonZeroExitAndTheJvmEnds(@TempDir Path dir) throws Exception {
        // A file where the directory should be: unwritable for root too (who ignores permissions).
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Process process = main(dir, "--port", "0", "--data", file.toString());
        assertEndedWithOneLine(process, dir, "parley: could not start: cannot create data directory " + file
                + "/dynamodb (java.nio.file.FileSystemException: " + file + "/dynamodb: Not a directory)");
    }

    private static Process main(Path dir, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dsqlite4java.library.path=" + System.getProperty("sqlite4java.library.path", "target/native-libs"),
                Main.class.getName()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command)
                .redirectError(dir.resolve("stderr").toFile())
                .redirectOutput(dir.resolve("stdout").toFile())
                .start();
    }

    private static void assertEndedWithOneLine(Process process, Path dir, String line) throws Exception {
        // A bound against a hang (the failure this guards against), not a measurement.
        boolean ended = process.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("the JVM ended by itself").isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("stderr"), StandardCharsets.UTF_8)).containsExactly(line);
        assertThat(Files.readString(dir.resolve("stdout"))).doesNotContain("PARLEY READY");
    }
}
