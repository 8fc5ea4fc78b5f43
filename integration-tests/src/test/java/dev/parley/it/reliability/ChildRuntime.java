package dev.parley.it.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley local --port P --data DIR} in a process of its own, so that it can be stopped the
 * hard way: {@link #kill()} is SIGKILL, no shutdown hook, no flush, no {@code $disconnect}; open
 * sockets are reset by the kernel. It runs the product's entry point, {@code dev.parley.local.Main},
 * on the classpath of this test run (the build under test; {@code ./parley local} would rebuild
 * first), and is ready when it prints the {@code PARLEY READY} line docs/protocol.md promises.
 */
public final class ChildRuntime implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private final Process process;
    private final Path log;
    private final boolean asShipped;

    private ChildRuntime(Process process, Path log, boolean asShipped) {
        this.process = process;
        this.log = log;
        this.asShipped = asShipped;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code Main --port port --data data} and waits for its READY line. */
    static ChildRuntime start(int port, Path data, Path log) throws IOException, InterruptedException {
        return start(log, "--port", Integer.toString(port), "--data", data.toString());
    }

    /**
     * Starts {@code Main} with {@code arguments} on the class path {@code ./parley local} runs it with
     * (local-runtime's jar and {@code target/lib}, its own logging binding included) when the build
     * made them, else on this test run's; its output (both streams) appended to {@code log}.
     */
    public static ChildRuntime startAsShipped(Path log, String... arguments) throws IOException, InterruptedException {
        Path target = Path.of("..", "local-runtime", "target");
        Path jar = null;
        if (Files.isDirectory(target.resolve("lib"))) {
            try (var files = Files.list(target)) {
                jar = files.filter(f -> f.getFileName().toString().matches("local-runtime-.*\\.jar")
                        && !f.getFileName().toString().contains("-tests")).findFirst().orElse(null);
            }
        }
        if (jar == null) {
            return start(log, arguments);
        }
        return start(jar.toAbsolutePath() + java.io.File.pathSeparator + target.resolve("lib").toAbsolutePath() + "/*",
                true, log, arguments);
    }

    /** Starts {@code Main} with {@code arguments}, its output (both streams) appended to {@code log}, and waits for its READY line. */
    public static ChildRuntime start(Path log, String... arguments) throws IOException, InterruptedException {
        return start(System.getProperty("java.class.path"), false, log, arguments);
    }

    private static ChildRuntime start(String classPath, boolean asShipped, Path log, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        String natives = System.getProperty("sqlite4java.library.path");
        if (natives != null) {
            command.add("-Dsqlite4java.library.path=" + natives);
        }
        command.addAll(List.of("-cp", classPath, "dev.parley.local.Main"));
        command.addAll(List.of(arguments));
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildRuntime child = new ChildRuntime(process, log, asShipped);
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> child.drain(ready), "child-runtime-output");
        drain.setDaemon(true);
        drain.start();
        try {
            ready.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the runtime did not print PARLEY READY within " + READY_WITHIN
                    + " (exit " + (process.isAlive() ? "-" : process.exitValue()) + "); its output is in " + log, e);
        }
        return child;
    }

    /** Copies the child's output to its log file; completes {@code ready} at the READY line. */
    private void drain(CompletableFuture<String> ready) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.write(line);
                out.newLine();
                if (line.startsWith("PARLEY READY ")) {
                    out.flush();
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("the runtime exited"));
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the runtime survived SIGKILL");
        }
    }

    /** Whether it runs on the class path {@code ./parley local} uses (local-runtime's jar and {@code target/lib}). */
    public boolean asShipped() {
        return asShipped;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
