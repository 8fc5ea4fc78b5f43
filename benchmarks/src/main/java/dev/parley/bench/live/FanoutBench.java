package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.bench.support.GroupSeeder;
import dev.parley.bench.support.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out: one message, N recipient connections; the time from the send to the last of them.
 * Two shapes, because group creation (issue 5) is not built yet:
 * <ul>
 *   <li>{@code fanout_ms_N}: N connected devices of the recipient user of a direct conversation.
 *       One connections Query returns all N; then N posts.</li>
 *   <li>{@code group_fanout_ms_N}: a group of N recipient users (one device each) plus the
 *       sender, seeded into the conversations table ({@link GroupSeeder}); the send path checks
 *       membership and fan-out reads the members, then each member's connections.</li>
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

        Spread(int expected) {
            this.expected = expected;
        }

        synchronized void arrived(long at) {
            if (arrived++ == 0) {
                first = at;
            }
            if (arrived == expected) {
                last.complete(at);
            }
        }

        synchronized long first() {
            return first;
        }
    }

    private record Timing(long firstNanos, long lastNanos) {}

    private final LiveStack stack;
    private final Report report;
    private final int repeats;
    private final Map<String, Spread> spreads = new ConcurrentHashMap<>();

    private FanoutBench(LiveStack stack, Report report, int repeats) {
        this.stack = stack;
        this.report = report;
        this.repeats = repeats;
    }

    public static void run(LiveStack stack, Report report, List<Integer> sizes, int repeats) throws Exception {
        FanoutBench bench = new FanoutBench(stack, report, repeats);
        bench.devices(sizes);
        bench.groups(sizes);
        bench.group10Capacity();
    }

    private void onFrame(BenchSocket socket, JsonNode frame, long at) {
        if ("message".equals(frame.path("type").asText())) {
            Spread spread = spreads.get(frame.path("clientMsgId").asText());
            if (spread != null) {
                spread.arrived(at);
            }
        }
    }

    private void devices(List<Integer> sizes) throws Exception {
        report.comment("fanout_ms_N: until groups exist (issue 5) these measure ONE message to N connected DEVICES of "
                + "the recipient user of a direct conversation (one connections Query, N @connections posts), "
                + "send -> the last device's socket; median of " + repeats + " messages per N");
        String sender = "fan-sender";
        String crowd = "fan-crowd";
        List<BenchSocket> sockets = new ArrayList<>();
        sockets.add(stack.connect(sender, "phone", (s, f, t) -> {}));
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
                List<Timing> timings = measure(sockets.get(0), crowd, "dev" + size, size);
                String suffix = Integer.toString(size);
                Stats last = Stats.ofNanosAsMillis(timings.stream().map(Timing::lastNanos).toList());
                Stats first = Stats.ofNanosAsMillis(timings.stream().map(Timing::firstNanos).toList());
                report.add("fanout_ms_" + suffix, last.median(), "ms", size == 500 ? Target.below(250, "ms") : null);
                report.add("fanout_first_ms_" + suffix, first.median(), "ms");
                report.add("fanout_rru_per_msg_" + suffix, stack.meter().totalReadUnits() / repeats, "RRU");
            }
        } finally {
            LiveStack.closeAll(sockets);
            LiveStack.settle(500);
        }
    }

    private void groups(List<Integer> sizes) throws Exception {
        report.comment("group_fanout_ms_N: one message into a group of N recipient USERS (one device each) plus the "
                + "sender, membership seeded into the conversations table (group creation is issue 5): membership "
                + "GetItem, members Query, one connections Query per member, N posts; median of " + repeats);
        for (int size : sizes) {
            String group = "grp:bench" + size;
            String sender = "g" + size + "-sender";
            List<String> members = new ArrayList<>(List.of(sender));
            List<LiveStack.Device> devices = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String member = "g" + size + "-m" + i;
                members.add(member);
                devices.add(new LiveStack.Device(member, "phone"));
            }
            GroupSeeder.seed(stack.runtime().dynamo(), stack.conversationsTable(), group, members);
            List<BenchSocket> sockets = new ArrayList<>();
            sockets.add(stack.connect(sender, "phone", (s, f, t) -> {}));
            try {
                sockets.addAll(stack.connectAll(devices, this::onFrame));
                LiveStack.settle(300);
                List<Timing> timings = measure(sockets.get(0), group, "grp" + size, size);
                String suffix = Integer.toString(size);
                Stats last = Stats.ofNanosAsMillis(timings.stream().map(Timing::lastNanos).toList());
                Stats first = Stats.ofNanosAsMillis(timings.stream().map(Timing::firstNanos).toList());
                report.add("group_fanout_ms_" + suffix, last.median(), "ms", size == 500 ? Target.below(250, "ms") : null);
                report.add("group_fanout_first_ms_" + suffix, first.median(), "ms");
                report.add("group_fanout_rru_per_msg_" + suffix, stack.meter().totalReadUnits() / repeats, "RRU");
            } finally {
                LiveStack.closeAll(sockets);
                LiveStack.settle(500);
            }
        }
    }

    /**
     * Capacity of a message into a 10-member group (the sender and nine others, one device each),
     * through the real group path on seeded membership: the cross-check of the group10 estimate.
     */
    private void group10Capacity() throws Exception {
        String group = "grp:capacity10";
        List<String> members = new ArrayList<>();
        List<LiveStack.Device> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            members.add("c10-m" + i);
            if (i > 0) {
                devices.add(new LiveStack.Device("c10-m" + i, "phone"));
            }
        }
        GroupSeeder.seed(stack.runtime().dynamo(), stack.conversationsTable(), group, members);
        List<BenchSocket> sockets = new ArrayList<>();
        sockets.add(stack.connect(members.get(0), "phone", (s, f, t) -> {}));
        try {
            sockets.addAll(stack.connectAll(devices, this::onFrame));
            LiveStack.settle(300);
            int messages = Math.max(repeats, 5);
            measure(sockets.get(0), group, "cap10", 9, messages);
            report.comment("group10_seeded_*: measured on a seeded 10-member group (sender + 9, one device each), "
                    + messages + " messages: the cross-check of the group10 estimate");
            Capacity.PerMessage units = Capacity.report(report, "group10_seeded", stack.meter(), messages, null);
            if (units.readUnits() <= 0) {
                throw new IllegalStateException("no read units metered for the group");
            }
        } finally {
            LiveStack.closeAll(sockets);
            LiveStack.settle(500);
        }
    }

    private List<Timing> measure(BenchSocket senderSocket, String to, String idPrefix, int recipients) throws Exception {
        return measure(senderSocket, to, idPrefix, recipients, repeats);
    }

    /** One warm-up message, then {@code count} measured ones with the meter reset in between. */
    private List<Timing> measure(BenchSocket senderSocket, String to, String idPrefix, int recipients, int count)
            throws Exception {
        List<Timing> timings = new ArrayList<>();
        for (int i = -1; i < count; i++) {
            if (i == 0) {
                stack.meter().reset();
            }
            String id = idPrefix + "-" + (i + 1);
            Spread spread = new Spread(recipients);
            spreads.put(id, spread);
            long sentAt = System.nanoTime();
            senderSocket.send(BenchSocket.sendFrame(to, id, TEXT));
            long lastAt = spread.last.get(60, TimeUnit.SECONDS);
            if (i >= 0) {
                timings.add(new Timing(spread.first() - sentAt, lastAt - sentAt));
            }
            spreads.remove(id);
            LiveStack.settle(100);
        }
        return timings;
    }
}
