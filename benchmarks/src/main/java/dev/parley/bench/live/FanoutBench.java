package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.bench.support.Stats;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables.Inbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Fan-out: one message, many recipients; the time from the send to the last of them.
 * <ul>
 *   <li>{@code fanout_ms_N}: a group of N members created with {@code POST /api/groups} (and
 *       {@code POST /api/groups/{id}/members} above 1,000); up to 500 members every member is
 *       connected with one device, above that one in ten; the sender is one of the N. Fan-out
 *       reads the members, then their live items 100 per BatchGetItem, then posts, then writes
 *       each member's sync-store entry; above 500 members through the fan-out queue in chunks.
 *       {@code fanout_applied_ms_N}: the send to every member's sync-store entry holding the
 *       message (the next message is sent only then, so each is measured alone).
 *       {@code _half_offline}: half the members offline with a registered push device.</li>
 *   <li>{@code fanout_devices_ms_N}: N connected devices of the one recipient of a direct
 *       conversation: a single connections Query, then N posts. The contrast shows what the
 *       per-member lookups of a group cost.</li>
 *   <li>{@code group10_*}: the capacity units of a message into a 10-member group.</li>
 * </ul>
 */
public final class FanoutBench {
    private static final String TEXT = "fan-out benchmark message";

    /** Arrivals of one message at its recipients. */
    private static final class Spread {
        final int expected;
        final CompletableFuture<Long> last = new CompletableFuture<>();
        int arrived;
        long first;
        long seq;

        Spread(int expected) {
            this.expected = expected;
        }

        synchronized void arrived(long at, long seq) {
            if (arrived++ == 0) {
                first = at;
                this.seq = seq;
            }
            if (arrived == expected) {
                last.complete(at);
            }
        }

        synchronized long first() {
            return first;
        }

        synchronized long seq() {
            return seq;
        }
    }

    /** Send to the first and the last push, and to the last member's sync-store entry holding the message. */
    private record Timing(long firstNanos, long lastNanos, long appliedNanos) {}

    private final LiveStack stack;
    private final Report report;
    private final int repeats;
    private final Map<String, Spread> spreads = new ConcurrentHashMap<>();

    /** Reads the sync store to see when fan-out finished: unmetered, so that it counts in no figure. */
    private final DynamoDbClient observer;

    private FanoutBench(LiveStack stack, Report report, int repeats) {
        this.stack = stack;
        this.report = report;
        this.repeats = repeats;
        this.observer = DynamoDbClient.builder()
                .endpointOverride(stack.runtime().dynamo().serviceClientConfiguration().endpointOverride().orElseThrow())
                .region(DynamoDbLocal.REGION).credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static void run(LiveStack stack, Report report, List<Integer> sizes, int repeats, boolean devices)
            throws Exception {
        FanoutBench bench = new FanoutBench(stack, report, repeats);
        try (DynamoDbClient observer = bench.observer) {
            bench.group10Capacity();
            bench.groups(sizes, sizes.contains(10_000));
            if (devices) {
                bench.devices(sizes);
            }
        }
    }

    private void onFrame(BenchSocket socket, JsonNode frame, long at) {
        if ("message".equals(frame.path("type").asText())) {
            Spread spread = spreads.get(frame.path("clientMsgId").asText());
            if (spread != null) {
                spread.arrived(at, frame.path("seq").asLong());
            }
        }
    }

    /** The capacity units of a message into a 10-member group (the sender and nine others, one device each). */
    private void group10Capacity() throws Exception {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            members.add("c10-m" + i);
        }
        String group = stack.createGroup(members.get(0), "capacity10", members.subList(1, members.size()));
        List<BenchSocket> sockets = connectMembers(members);
        try {
            int messages = Math.max(repeats, 5);
            measure(sockets.get(0), group, members, "cap10", 9, messages);
            report.comment("capacity units of a message into a 10-member group (sender + 9, one device each; "
                    + messages + " messages, group created with POST /api/groups)");
            Capacity.report(report, "group10", stack, messages, null);
        } finally {
            LiveStack.closeAll(sockets);
            LiveStack.settle(500);
        }
    }

    /** Members added per {@code POST /groups/{id}/members} call when a group is built (each call is one HTTP request). */
    private static final int MEMBERS_PER_CALL = 1_000;
    /** Up to this size every member is connected; above it, one member in {@link #CONNECTED_ONE_IN}. */
    static final int ALL_CONNECTED_UP_TO = 500;
    static final int CONNECTED_ONE_IN = 10;

    private void groups(List<Integer> sizes, boolean halfOffline) throws Exception {
        report.comment("fanout_ms_N: one message into a group of N members (created with POST /api/groups, then "
                + MEMBERS_PER_CALL + " members per POST /api/groups/{id}/members), the sender among them: send -> the "
                + "last connected member's socket; median of " + repeats + " messages (after one warm-up message). Up to "
                + ALL_CONNECTED_UP_TO + " members every member is connected with one device; above, one member in "
                + CONNECTED_ONE_IN + " (a socket per member would be the benchmark's own load), spread over every "
                + "chunk; the sync-store writes cover all N members either way. Groups above FANOUT_CHUNK_SIZE ("
                + stack.runtime().config().getInt(Setting.FANOUT_CHUNK_SIZE)
                + ") are fanned out in chunks through the local FIFO queue ("
                + "4 chunks at once, as 4 concurrent chunk functions). fanout_applied_ms_N: the send -> every member's "
                + "sync-store entry holding the message (polled every 20 ms); the next message is sent only then");
        report.comment("fanout_rru_per_recipient_N: read units per message over N - 1 recipients (the send path's "
                + "reads included); target at most 0.5");
        Double perRecipientAt500 = null;
        for (int size : sizes) {
            double ms = group(size, false);
            if (size == 500) {
                perRecipientAt500 = ms / (size - 1);
            }
            if (size > 500 && perRecipientAt500 != null) {
                report.add("fanout_ms_per_recipient_" + size, ms / (size - 1), "ms",
                        Target.below(perRecipientAt500, "ms (the 500-member figure)"));
            }
        }
        if (halfOffline) {
            int size = sizes.get(sizes.size() - 1);
            report.comment("fanout_ms_" + size + "_half_offline: as fanout_ms_" + size + ", half the members offline "
                    + "with a registered device (seeded in the devices table directly: " + size / 2 + " registrations "
                    + "through PUT /devices would take minutes), so each message is also " + size / 2
                    + " notifications, handed to the notifications queue; target: the same time as without");
            group(size, true);
        }
    }

    /** Builds a group, connects its members, measures; returns the median time to the last connected member. */
    private double group(int size, boolean halfOffline) throws Exception {
        String tag = size + (halfOffline ? "h" : "");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add("g" + tag + "-m" + i);
        }
        String group = stack.createGroup(members.get(0), "fanout" + tag,
                members.subList(1, Math.min(size, MEMBERS_PER_CALL)));
        for (int from = MEMBERS_PER_CALL; from < size; from += MEMBERS_PER_CALL) {
            stack.addMembers(members.get(0), group, members.subList(from, Math.min(size, from + MEMBERS_PER_CALL)));
        }
        List<String> connected = new ArrayList<>();
        connected.add(members.get(0));
        for (int i = 1; i < size; i++) {
            if (size <= ALL_CONNECTED_UP_TO || i % CONNECTED_ONE_IN == 0) {
                connected.add(members.get(i));
            }
        }
        if (halfOffline) {
            List<String> offline = new ArrayList<>();
            for (int i = 1; i < size; i++) {
                if (i % 2 == 1) {
                    offline.add(members.get(i)); // odd members; the connected ones are multiples of 10
                }
            }
            stack.registerDevices(offline);
        }
        List<BenchSocket> sockets = connectMembers(connected);
        try {
            List<Timing> timings = measure(sockets.get(0), group, members, "grp" + tag, connected.size() - 1, repeats);
            String suffix = size + (halfOffline ? "_half_offline" : "");
            double last = median(timings, Timing::lastNanos);
            report.add("fanout_ms_" + suffix, last, "ms", size == 500 ? Target.below(250, "ms") : null);
            report.add("fanout_first_ms_" + suffix, median(timings, Timing::firstNanos), "ms");
            report.add("fanout_applied_ms_" + suffix, median(timings, Timing::appliedNanos), "ms");
            double rru = stack.readUnits() / repeats;
            report.add("fanout_rru_per_msg_" + suffix, rru, "RRU");
            report.comment("fanout_rru_per_msg_" + suffix + " by table and operation: " + readsByOperation());
            report.add("fanout_rru_per_recipient_" + suffix, rru / (size - 1), "RRU", Target.atMost(0.5, "RRU"));
            report.add("fanout_wru_per_recipient_" + suffix, stack.writeUnits() / repeats / (size - 1), "WRU");
            return last;
        } finally {
            LiveStack.closeAll(sockets);
            LiveStack.settle(500);
        }
    }

    /** Read units per measured message by table and operation, the send path's included (empty Queries: their minimum). */
    private String readsByOperation() {
        Map<String, Double> reads = new java.util.TreeMap<>(stack.meter().readUnits());
        stack.emptyReads().minimumUnits().forEach((key, units) -> reads.merge(key + " (empty)", units, Double::sum));
        List<String> parts = new ArrayList<>();
        reads.forEach((key, units) -> parts.add(key.replaceFirst("^parley-", "") + " " + Report.format(units / repeats)));
        return String.join(", ", parts);
    }

    private void devices(List<Integer> sizes) throws Exception {
        report.comment("fanout_devices_ms_N: one direct message to a user with N connected devices (one connections "
                + "Query, N posts); median of " + repeats);
        String crowd = "fan-crowd";
        List<BenchSocket> sockets = new ArrayList<>();
        sockets.add(stack.connect("fan-sender", "phone", (s, f, t) -> {}));
        try {
            int connected = 0;
            for (int size : sizes) {
                List<LiveStack.Device> more = new ArrayList<>();
                for (int i = connected; i < size; i++) {
                    more.add(new LiveStack.Device(crowd, "d" + i));
                }
                sockets.addAll(stack.connectAll(more, this::onFrame));
                connected = size;
                LiveStack.settle(300);
                List<Timing> timings = measure(sockets.get(0), crowd, List.of("fan-sender", crowd), "dev" + size, size,
                        repeats);
                String suffix = Integer.toString(size);
                report.add("fanout_devices_ms_" + suffix, median(timings, Timing::lastNanos), "ms");
                report.add("fanout_devices_rru_per_msg_" + suffix, stack.readUnits() / repeats, "RRU");
            }
        } finally {
            LiveStack.closeAll(sockets);
            LiveStack.settle(500);
        }
    }

    /** The members' sockets, the first member's (the sender's) first. */
    private List<BenchSocket> connectMembers(List<String> members) throws Exception {
        List<BenchSocket> sockets = new ArrayList<>();
        sockets.add(stack.connect(members.get(0), "phone", (s, f, t) -> {}));
        List<LiveStack.Device> devices = new ArrayList<>();
        // (the sender first; for large groups only the connected members are passed)
        for (String member : members.subList(1, members.size())) {
            devices.add(new LiveStack.Device(member, "phone"));
        }
        sockets.addAll(stack.connectAll(devices, this::onFrame));
        LiveStack.settle(300);
        return sockets;
    }

    private static double median(List<Timing> timings, java.util.function.ToLongFunction<Timing> nanos) {
        return Stats.ofNanosAsMillis(timings.stream().map(nanos::applyAsLong).toList()).median();
    }

    /**
     * One warm-up message, then {@code count} measured ones, the meter reset in between. Each
     * message is measured alone: the next is sent only once every member's sync-store entry holds
     * this one (fan-out pushes first and writes the sync store after, and a message sent earlier
     * would queue behind those writes: that is throughput, not one message's fan-out).
     */
    private List<Timing> measure(BenchSocket senderSocket, String to, List<String> members, String idPrefix,
                                 int recipients, int count) throws Exception {
        List<Timing> timings = new ArrayList<>();
        for (int i = -1; i < count; i++) {
            if (i == 0) {
                stack.resetMeters();
            }
            String id = idPrefix + "-" + (i + 1);
            Spread spread = new Spread(recipients);
            spreads.put(id, spread);
            long sentAt = System.nanoTime();
            senderSocket.send(BenchSocket.sendFrame(to, id, TEXT));
            long lastAt = spread.last.get(10, TimeUnit.MINUTES);
            long appliedAt = awaitApplied(conversationOf(to, members), members, spread.seq());
            if (i >= 0) {
                timings.add(new Timing(spread.first() - sentAt, lastAt - sentAt, appliedAt - sentAt));
            }
            spreads.remove(id);
            LiveStack.settle(100);
        }
        return timings;
    }

    /** A group's id, or the direct conversation of the sender (the first member) with {@code to}. */
    private static String conversationOf(String to, List<String> members) {
        if (to.startsWith("grp:")) {
            return to;
        }
        String sender = members.get(0);
        return sender.compareTo(to) < 0 ? "dm:" + sender + ":" + to : "dm:" + to + ":" + sender;
    }

    /**
     * Waits until every member's sync-store entry holds {@code seq} with nothing pending below it
     * (100 members per read, strongly consistent, polled every 20 ms), and returns when it saw so.
     */
    private long awaitApplied(String conversationId, List<String> members, long seq) throws InterruptedException {
        String table = stack.runtime().config().get(Setting.INBOX_TABLE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        int from = 0;
        while (from < members.size()) {
            List<String> part = members.subList(from, Math.min(members.size(), from + 100));
            List<Map<String, AttributeValue>> keys = part.stream().map(member -> Map.of(
                    Inbox.USER_ID, AttributeValue.fromS(member),
                    Inbox.ITEM, AttributeValue.fromS(Inbox.entryItem(conversationId)))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                    .consistentRead(true).build());
            int applied = 0;
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> asked = request;
                var response = observer.batchGetItem(batch -> batch.requestItems(asked));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    AttributeValue last = item.get(Inbox.LAST_SEQ);
                    if (last != null && Long.parseLong(last.n()) >= seq && !item.containsKey(Inbox.PENDING)) {
                        applied++;
                    }
                }
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
            if (applied == part.size()) {
                from += part.size();
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fan-out did not apply seq " + seq + " of " + conversationId
                        + " to every member's sync-store entry within 10 minutes");
            } else {
                Thread.sleep(20);
            }
        }
        return System.nanoTime();
    }
}
