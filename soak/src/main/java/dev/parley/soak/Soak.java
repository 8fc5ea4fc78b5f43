// Over 400 lines on purpose: the soak is one scenario read top to bottom (start, clients, faults,
// kill -9 and restart, convergence, report); its fault injectors live in their own classes.
package dev.parley.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.Backoff;
import dev.parley.client.ConnectionState;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The soak run (issue 12, item 7): {@code ./parley soak [--messages N] [--users U] [--seed S]}.
 *
 * <p>Starts {@link SoakRuntime} (the local runtime with faults injected) in a child process on a
 * data directory, puts U users (48 by default) in groups of four, one Java SDK client each, and has
 * every user send its share of N messages (10,000 by default) into its group, at most six
 * unconfirmed at a time. Meanwhile the runtime throttles 10 % of DynamoDB attempts, fails and
 * "gones" {@code @connections} posts, crashes fan-out invocations and drops connections; when half
 * the messages are confirmed the runtime is killed with SIGKILL and started again on the same data
 * and port. Once every send is confirmed, it waits until every device holds every accepted message
 * of its group, then prints {@code SOAK <name> <value>} lines: what the application on each device
 * was told, against what the server accepted. Exits 1 if anything was lost, duplicated or out of
 * order, or the devices did not converge.
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int GROUP_SIZE = 4;
    private static final int IN_FLIGHT = 6;
    private static final Duration SENDS_WITHIN = Duration.ofMinutes(8);
    private static final Duration CONVERGE_WITHIN = Duration.ofMinutes(3);
    /** Held: java.util.logging keeps loggers weakly. The SDK logs every reconnect at INFO. */
    private static final Logger SDK_LOG = Logger.getLogger("dev.parley.client");

    private Soak() {}

    public static void main(String[] args) throws Exception {
        int messages = 10_000;
        int users = 48;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: parley soak [--messages N] [--users U (a multiple of 4)] [--seed S]");
                    System.exit(2);
                }
            }
        }
        if (users < GROUP_SIZE || users % GROUP_SIZE != 0 || messages < users) {
            System.err.println("soak: --users must be a multiple of " + GROUP_SIZE + " and --messages at least --users");
            System.exit(2);
        }
        SDK_LOG.setLevel(Level.WARNING);
        System.exit(new Soak.Run(messages, users, seed).run() ? 0 : 1);
    }

    /** One soak run. */
    private static final class Run {
        private final int messages;
        private final int users;
        private final long seed;
        private final Path data;
        private final Path logs = Path.of("soak", "target", "soak-logs");
        private final int port = freePort();
        private final String base;
        private final List<String> faultLines = new ArrayList<>();

        Run(int messages, int users, long seed) throws IOException {
            this.messages = messages;
            this.users = users;
            this.seed = seed;
            // On tmpfs where there is one: the kill -9 is a process crash, which tmpfs survives as a
            // disk does, and DynamoDB Local's fsync per write would measure the disk, not Parley.
            Path shm = Path.of("/dev/shm");
            this.data = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "parley-soak-")
                    : Files.createTempDirectory("parley-soak-");
            this.base = "http://127.0.0.1:" + port;
        }

        boolean run() throws Exception {
            long began = System.nanoTime();
            Files.createDirectories(logs);
            System.out.printf("soak: %d messages from %d users in groups of %d; runtime on port %d, data in %s,"
                    + " logs in %s%n", messages, users, GROUP_SIZE, port, data, logs);
            AtomicReference<Child> child = new AtomicReference<>(Child.start(port, data, seed, logs.resolve("runtime-1.log")));
            List<ParleyClient> clients = new ArrayList<>();
            try {
                String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
                List<String> userIds = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    userIds.add("soak" + run + "-u" + u);
                }
                Map<String, String> groupOf = new HashMap<>();
                Map<String, List<String>> members = new HashMap<>();
                for (int g = 0; g < users / GROUP_SIZE; g++) {
                    List<String> group = userIds.subList(g * GROUP_SIZE, (g + 1) * GROUP_SIZE);
                    String conversation = createGroup(group.get(0), group.subList(1, GROUP_SIZE));
                    members.put(conversation, List.copyOf(group));
                    group.forEach(user -> groupOf.put(user, conversation));
                }
                Map<String, Device> devices = new HashMap<>();
                Map<String, ParleyClient> clientOf = new HashMap<>();
                for (String user : userIds) {
                    Device device = new Device(user);
                    ParleyClient client = ParleyClient.builder()
                            .websocketUrl("ws://127.0.0.1:" + port)
                            .tokenSupplier(() -> token(user, "phone"))
                            .deviceId("phone")
                            .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1))
                                    .withStableAfter(Duration.ofSeconds(1)))
                            .requestTimeout(Duration.ofSeconds(3))
                            .heartbeatInterval(Duration.ofSeconds(5))
                            .resyncInterval(Duration.ofSeconds(10))
                            .listener(device)
                            .build();
                    clients.add(client);
                    client.connect().get(60, TimeUnit.SECONDS);
                    devices.put(user, device);
                    clientOf.put(user, client);
                }

                // Senders: each user its share, at most IN_FLIGHT unconfirmed at a time.
                AtomicInteger confirmed = new AtomicInteger();
                AtomicInteger issued = new AtomicInteger();
                AtomicLong lastConfirmedAt = new AtomicLong();
                Map<String, List<CompletableFuture<Sent>>> sends = new ConcurrentHashMap<>();
                List<Thread> senders = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    String user = userIds.get(u);
                    int quota = messages / users + (u < messages % users ? 1 : 0);
                    List<CompletableFuture<Sent>> mine = new ArrayList<>();
                    sends.put(user, mine);
                    Thread sender = new Thread(() -> {
                        ParleyClient client = clientOf.get(user);
                        Semaphore inFlight = new Semaphore(IN_FLIGHT);
                        for (int i = 0; i < quota; i++) {
                            inFlight.acquireUninterruptibly();
                            issued.incrementAndGet();
                            CompletableFuture<Sent> send = client.sendText(To.conversation(groupOf.get(user)),
                                    user + " #" + i);
                            send.whenComplete((sent, error) -> {
                                inFlight.release();
                                if (error == null) {
                                    confirmed.incrementAndGet();
                                    lastConfirmedAt.set(System.nanoTime());
                                }
                            });
                            synchronized (mine) {
                                mine.add(send);
                            }
                        }
                    }, "soak-sender-" + u);
                    senders.add(sender);
                }
                long sendsBegan = System.nanoTime();
                senders.forEach(Thread::start);
                Thread progress = new Thread(() -> {
                    while (true) {
                        sleep(15_000);
                        System.out.printf("soak: %d of %d sends confirmed after %.0f s%n", confirmed.get(), messages,
                                (System.nanoTime() - sendsBegan) / 1e9);
                    }
                }, "soak-progress");
                progress.setDaemon(true);
                progress.start();

                // The kill -9, once half the messages are confirmed, and the restart on the same data.
                while (confirmed.get() < messages / 2) {
                    sleep(5);
                }
                long unconfirmedAtKill = issued.get() - confirmed.get();
                child.get().kill();
                long killedAt = System.nanoTime();
                faultLines.add(child.get().lastFaults());
                sleep(1_000);
                child.set(Child.start(port, data, seed + 1, logs.resolve("runtime-2.log")));
                double downSeconds = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("soak: killed (SIGKILL) with %d sends in flight; down %.1f s%n", unconfirmedAtKill,
                        downSeconds);

                for (Thread sender : senders) {
                    sender.join();
                }
                long sendsDeadline = sendsBegan + SENDS_WITHIN.toNanos();
                List<Sent> accepted = new ArrayList<>();
                int failed = 0;
                int sendOrderViolations = 0;
                for (String user : userIds) {
                    long lastSeq = 0;
                    for (CompletableFuture<Sent> send : sends.get(user)) {
                        try {
                            Sent sent = send.get(Math.max(1, sendsDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                            accepted.add(sent);
                            if (sent.seq() <= lastSeq) {
                                sendOrderViolations++;
                            }
                            lastSeq = sent.seq();
                        } catch (Exception e) {
                            failed++;
                        }
                    }
                }
                long allConfirmedAt = lastConfirmedAt.get();

                // Convergence: every device holds every accepted message of its group.
                Map<String, Set<Long>> expected = new HashMap<>();
                for (Sent sent : accepted) {
                    expected.computeIfAbsent(sent.conversationId(), id -> new HashSet<>()).add(sent.seq());
                }
                long convergeDeadline = System.nanoTime() + CONVERGE_WITHIN.toNanos();
                boolean converged = false;
                while (System.nanoTime() < convergeDeadline) {
                    converged = userIds.stream().allMatch(user -> devices.get(user)
                            .seqs(groupOf.get(user)).containsAll(expected.getOrDefault(groupOf.get(user), Set.of())));
                    if (converged) {
                        break;
                    }
                    sleep(100);
                }
                long convergedAt = System.nanoTime();
                faultLines.add(child.get().lastFaults());

                // What the applications were told, against what the server accepted.
                long delivered = 0;
                long lost = 0;
                long unconfirmedDelivered = 0;
                long duplicated = 0;
                long outOfOrder = 0;
                for (String user : userIds) {
                    Device device = devices.get(user);
                    Set<Long> seen = device.seqs(groupOf.get(user));
                    Set<Long> wanted = expected.getOrDefault(groupOf.get(user), Set.of());
                    for (long seq : wanted) {
                        if (seen.contains(seq)) {
                            delivered++;
                        } else {
                            lost++;
                        }
                    }
                    unconfirmedDelivered += seen.stream().filter(seq -> !wanted.contains(seq)).count();
                    duplicated += device.duplicated.get();
                    outOfOrder += device.outOfOrder.get();
                }
                long gaps = 0;
                for (var conversation : members.keySet()) {
                    Set<Long> held = new HashSet<>();
                    for (String user : members.get(conversation)) {
                        held.addAll(devices.get(user).seqs(conversation));
                    }
                    long last = held.stream().mapToLong(Long::longValue).max().orElse(0);
                    gaps += last - held.size();
                }
                long collisions = accepted.size() - accepted.stream()
                        .map(sent -> sent.conversationId() + "#" + sent.seq()).distinct().count();
                long reconnects = devices.values().stream().mapToLong(device -> device.reconnects.get()).sum();

                line("messages_sent", messages);
                line("messages_accepted", accepted.size());
                line("sends_failed", failed);
                line("deliveries_expected", (long) accepted.size() * GROUP_SIZE);
                line("messages_delivered", delivered);
                line("messages_lost", lost);
                line("messages_duplicated", duplicated);
                line("messages_out_of_order", outOfOrder);
                line("gaps_declared", gaps);
                line("delivered_but_unconfirmed", unconfirmedDelivered);
                line("accepted_seq_collisions", collisions);
                line("send_order_violations", sendOrderViolations);
                line("converged", converged ? "yes" : "no");
                line("time_to_converge_s", String.format("%.1f", (convergedAt - allConfirmedAt) / 1e9));
                line("sends_confirmed_after_s", String.format("%.1f", (allConfirmedAt - sendsBegan) / 1e9));
                line("runtime_killed", 1);
                line("runtime_down_s", String.format("%.1f", downSeconds));
                line("sends_in_flight_at_kill", unconfirmedAtKill);
                line("client_reconnects", reconnects);
                for (int i = 0; i < faultLines.size(); i++) {
                    line("faults_run_" + (i + 1), faultLines.get(i));
                }
                line("wall_time_s", String.format("%.1f", (System.nanoTime() - began) / 1e9));
                return converged && lost == 0 && duplicated == 0 && outOfOrder == 0 && collisions == 0
                        && sendOrderViolations == 0 && failed == 0;
            } finally {
                clients.forEach(ParleyClient::close);
                child.get().kill();
                deleteRecursively(data); // on tmpfs it holds memory
            }
        }

        private static void line(String name, Object value) {
            System.out.println("SOAK " + name + " " + value);
        }

        private String token(String userId, String deviceId) throws IOException, InterruptedException {
            ObjectNode request = JSON.createObjectNode().put("userId", userId);
            if (deviceId != null) {
                request.put("deviceId", deviceId);
            }
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dev/token"))
                            .timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("token refused: " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body()).get("token").asText();
        }

        private String createGroup(String owner, List<String> others) throws IOException, InterruptedException {
            ArrayNode list = JSON.createArrayNode();
            others.forEach(list::add);
            String body = JSON.createObjectNode().put("name", "soak").set("members", list).toString();
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/groups"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token(owner, null))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    JsonNode created = JSON.readTree(response.body());
                    return created.get("conversationId").asText();
                }
                if (attempt == 20 || (response.statusCode() != 429 && response.statusCode() < 500)) {
                    throw new IOException("group creation answered " + response.statusCode() + " " + response.body());
                }
                Thread.sleep(200);
            }
        }
    }

    /** The application on one device: what its listener was told, checked as it arrives. */
    private static final class Device implements MessageListener {
        private final String name;
        private final Map<String, Set<Long>> seqs = new ConcurrentHashMap<>();
        private final Map<String, Long> last = new ConcurrentHashMap<>();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();

        Device(String name) {
            this.name = name;
        }

        @Override
        public void onMessage(Message message) {
            Set<Long> held = seqs.computeIfAbsent(message.conversationId(), id -> ConcurrentHashMap.newKeySet());
            if (!held.add(message.seq())) {
                duplicated.incrementAndGet();
                System.err.println("soak: " + name + " was given " + message.conversationId() + "#" + message.seq()
                        + " twice");
                return;
            }
            Long previous = last.get(message.conversationId());
            if (previous != null && message.seq() < previous) {
                outOfOrder.incrementAndGet();
                System.err.println("soak: " + name + " was given " + message.conversationId() + "#" + message.seq()
                        + " after #" + previous);
            }
            last.merge(message.conversationId(), message.seq(), Math::max);
        }

        @Override
        public void onConnectionState(ConnectionState state) {
            if (state == ConnectionState.CONNECTING) {
                reconnects.incrementAndGet();
            }
        }

        @Override
        public void onAuthFailed(int httpStatus) {
            System.err.println("soak: " + name + " handshake refused with " + httpStatus);
        }

        Set<Long> seqs(String conversationId) {
            return Set.copyOf(seqs.getOrDefault(conversationId, Set.of()));
        }
    }

    /** {@link SoakRuntime} in a process of its own; {@link #kill} is SIGKILL. */
    private static final class Child {
        private final Process process;
        private final AtomicReference<String> lastFaults = new AtomicReference<>("none");

        private Child(Process process) {
            this.process = process;
        }

        static Child start(int port, Path data, long seed, Path log) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            String natives = System.getProperty("sqlite4java.library.path");
            if (natives != null) {
                command.add("-Dsqlite4java.library.path=" + natives);
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), SoakRuntime.class.getName(),
                    Integer.toString(port), data.toString(), Long.toString(seed)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Child child = new Child(process);
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread drain = new Thread(() -> child.drain(ready, log), "soak-runtime-output");
            drain.setDaemon(true);
            drain.start();
            try {
                ready.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("the soak runtime did not print PARLEY READY; its output is in " + log, e);
            }
            return child;
        }

        private void drain(CompletableFuture<String> ready, Path log) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                         StandardOpenOption.APPEND)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("SOAKFAULTS ")) {
                        lastFaults.set(line.substring("SOAKFAULTS ".length()).replace(' ', ','));
                        continue;
                    }
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
            ready.completeExceptionally(new IllegalStateException("the soak runtime exited"));
        }

        String lastFaults() {
            return lastFaults.get();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the soak runtime survived SIGKILL");
            }
        }
    }

    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("soak: could not delete " + directory + ": " + e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
