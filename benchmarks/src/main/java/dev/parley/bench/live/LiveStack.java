package dev.parley.bench.live;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.bench.support.BenchSocket;
import dev.parley.local.LocalRuntime;
import dev.parley.testsupport.http.ParleyHttp;
import dev.parley.testsupport.metering.CapacityMeter;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables.Devices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The local runtime the live benchmarks share, with DynamoDB capacity metered on the functions'
 * client, and the clients that connect to it.
 */
public final class LiveStack implements AutoCloseable {
    public static final int PRESENCE_GRACE_SECONDS = 1;

    private final LocalRuntime runtime;
    private final CapacityMeter meter;
    private PartitionUnits partition;
    private final EmptyReads emptyReads;
    private final DynamoCalls dynamoCalls;
    private final HttpClient http;
    private final ExecutorService clientThreads;

    private LiveStack(LocalRuntime runtime, CapacityMeter meter, EmptyReads emptyReads, DynamoCalls dynamoCalls,
                      HttpClient http, ExecutorService clientThreads) {
        this.runtime = runtime;
        this.meter = meter;
        this.emptyReads = emptyReads;
        this.dynamoCalls = dynamoCalls;
        this.http = http;
        this.clientThreads = clientThreads;
    }

    public static LiveStack start() throws Exception {
        CapacityMeter meter = new CapacityMeter();
        EmptyReads emptyReads = new EmptyReads();
        DynamoCalls dynamoCalls = new DynamoCalls();
        java.util.concurrent.atomic.AtomicReference<LocalRuntime> started = new java.util.concurrent.atomic.AtomicReference<>();
        PartitionUnits partition = new PartitionUnits(table -> started.get().dynamo()
                .describeTable(describe -> describe.tableName(table)).table().keySchema().stream()
                .filter(key -> key.keyType() == software.amazon.awssdk.services.dynamodb.model.KeyType.HASH)
                .findFirst().orElseThrow().attributeName());
        LocalRuntime.Options.Builder options = LocalRuntime.Options.builder().port(0).dynamoInterceptor(meter)
                .dynamoInterceptor(emptyReads).dynamoInterceptor(dynamoCalls).dynamoInterceptor(partition);
        // The offline check runs after the presence grace period (30 s by default); one second lets a
        // benchmark measure a whole session, and lets closed sockets settle before the next measurement.
        options.setting(Setting.PRESENCE_GRACE_SECONDS, Integer.toString(PRESENCE_GRACE_SECONDS));
        LocalRuntime runtime = LocalRuntime.start(options.build());
        started.set(runtime);
        ExecutorService clientThreads = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "bench-client");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
        LiveStack stack = new LiveStack(runtime, meter, emptyReads, dynamoCalls, http, clientThreads);
        stack.partition = partition;
        return stack;
    }

    public LocalRuntime runtime() {
        return runtime;
    }

    public CapacityMeter meter() {
        return meter;
    }

    EmptyReads emptyReads() {
        return emptyReads;
    }

    /** Units spent on one partition key value (set up before the runtime started). */
    PartitionUnits partition() {
        return partition;
    }

    DynamoCalls dynamoCalls() {
        return dynamoCalls;
    }

    /** Starts a measurement of capacity units (and of DynamoDB calls). */
    public void resetMeters() {
        meter.reset();
        emptyReads.reset();
        dynamoCalls.reset();
    }

    /** Read units since the last reset, the minimum of empty Queries included. */
    public double readUnits() {
        return meter.totalReadUnits() + emptyReads.total();
    }

    /** Write units since the last reset, refused conditional writes included (one unit each for small items). */
    public double writeUnits() {
        return meter.totalWriteUnits() + meter.conditionalFailures();
    }

    /** The benchmark's HTTP client (its threads are named bench-client). */
    public HttpClient http() {
        return http;
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

    /**
     * Creates a group through the HTTP API ({@code POST /api/groups}), as a client does; the
     * creator is a member. Returns the conversation id.
     */
    public String createGroup(String creator, String name, List<String> members) {
        return ParleyHttp.createGroup(http, runtime.httpUrl(), token(creator), name, members);
    }

    /** Adds members through the HTTP API ({@code POST /api/groups/{id}/members}), as an admin does. */
    public void addMembers(String admin, String conversationId, List<String> members) {
        ObjectNode body = JsonMapper.builder()
                .build().createObjectNode();
        members.forEach(body.putArray("members")::add);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(runtime.httpUrl() + "/groups/" + conversationId + "/members"))
                    .header("Authorization", "Bearer " + token(admin)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST /groups/{id}/members answered " + response.statusCode() + ": "
                        + response.body());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers one push device ("phone", FCM) per user straight into the devices table, 25 per
     * BatchWriteItem: what {@code PUT /devices/{deviceId}} writes, without a request per user.
     */
    public void registerDevices(List<String> userIds) {
        String table = runtime.config().get(Setting.DEVICES_TABLE);
        for (int from = 0; from < userIds.size(); from += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (String user : userIds.subList(from, Math.min(userIds.size(), from + 25))) {
                writes.add(WriteRequest.builder().putRequest(put -> put.item(Map.of(
                        Devices.USER_ID, AttributeValue.fromS(user),
                        Devices.DEVICE_ID, AttributeValue.fromS("phone"),
                        Devices.PLATFORM, AttributeValue.fromS("fcm"),
                        Devices.PUSH_TOKEN, AttributeValue.fromS("bench-token-" + user),
                        Devices.UPDATED_AT, AttributeValue.fromN("1")))).build());
            }
            var pending = Map.of(table, writes);
            while (!pending.isEmpty()) {
                var asked = pending;
                var response = runtime.dynamo().batchWriteItem(b -> b.requestItems(asked));
                pending = response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()
                        ? response.unprocessedItems() : Map.of();
            }
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

    /** Closes the sockets and waits for their $disconnect and offline checks to be done. */
    public static void closeAll(List<BenchSocket> sockets) {
        sockets.parallelStream().forEach(BenchSocket::close);
        settle(PRESENCE_GRACE_SECONDS * 1000L + 500);
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } catch (Exception e) {
            throw new IllegalStateException("the local runtime did not stop cleanly", e);
        } finally {
            clientThreads.shutdownNow();
        }
    }
}
