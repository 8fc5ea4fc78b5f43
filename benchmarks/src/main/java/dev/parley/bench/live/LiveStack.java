package dev.parley.bench.live;

import dev.parley.bench.support.BenchSocket;
import dev.parley.local.LocalRuntime;
import dev.parley.local.metering.CapacityMeter;
import dev.parley.model.config.Setting;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The local runtime the live benchmarks share, with DynamoDB capacity metered on the functions'
 * client, and the clients that connect to it.
 */
public final class LiveStack implements AutoCloseable {
    private final LocalRuntime runtime;
    private final CapacityMeter meter;
    private final HttpClient http;
    private final ExecutorService clientThreads;

    private LiveStack(LocalRuntime runtime, CapacityMeter meter, HttpClient http, ExecutorService clientThreads) {
        this.runtime = runtime;
        this.meter = meter;
        this.http = http;
        this.clientThreads = clientThreads;
    }

    public static LiveStack start() throws Exception {
        CapacityMeter meter = new CapacityMeter();
        LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.defaults().withPort(0).withDynamoInterceptor(meter));
        ExecutorService clientThreads = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "bench-client");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
        return new LiveStack(runtime, meter, http, clientThreads);
    }

    public LocalRuntime runtime() {
        return runtime;
    }

    public CapacityMeter meter() {
        return meter;
    }

    public String conversationsTable() {
        return runtime.config().get(Setting.CONVERSATIONS_TABLE);
    }

    public String token(String userId) {
        return runtime.issuer().token(userId, null, Duration.ofHours(2));
    }

    public BenchSocket connect(String userId, String deviceId, BenchSocket.FrameListener listener) {
        return BenchSocket.connect(http, runtime.websocketUrl(), token(userId), deviceId, userId + "/" + deviceId,
                listener);
    }

    /** A connection to open: a user and one of their devices. */
    public record Device(String userId, String deviceId) {}

    /** Opens many connections, a few at a time (each $connect runs the authorizer and a write). */
    public List<BenchSocket> connectAll(List<Device> devices, BenchSocket.FrameListener listener) throws Exception {
        Map<String, String> tokens = new ConcurrentHashMap<>();
        ExecutorService connecting = Executors.newFixedThreadPool(8);
        try {
            List<Future<BenchSocket>> pending = new ArrayList<>();
            for (Device device : devices) {
                pending.add(connecting.submit(() -> BenchSocket.connect(http, runtime.websocketUrl(),
                        tokens.computeIfAbsent(device.userId(), this::token), device.deviceId(),
                        device.userId() + "/" + device.deviceId(), listener)));
            }
            List<BenchSocket> sockets = new ArrayList<>();
            for (Future<BenchSocket> socket : pending) {
                sockets.add(socket.get());
            }
            return sockets;
        } finally {
            connecting.shutdown();
        }
    }

    /** Lets in-flight fan-out and $disconnect work finish before the next measurement. */
    public static void settle(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void closeAll(List<BenchSocket> sockets) {
        sockets.parallelStream().forEach(BenchSocket::close);
    }

    @Override
    public void close() throws Exception {
        runtime.close();
        clientThreads.shutdownNow();
    }
}
