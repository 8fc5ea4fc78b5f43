package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 19, hazard 4: the capacity a message costs on its group's partition (one partition key,
 * limited to 1,000 WCU and 3,000 RCU per second) as the number of devices online in the group
 * grows. Every member's one device is connected and acks each message it receives, as the SDKs
 * do; before the sync store each ack was a read and a write on the group's key.
 * <ul>
 *   <li>{@code group_partition_wcu_per_msg_devices_N}: write units on the group's key per message
 *       (the seq counter, the message, whatever fan-out and the acks add); target: the same for
 *       every N.</li>
 *   <li>{@code group_partition_rru_per_msg_devices_N}: read units on the group's key per message
 *       (the membership check of each ack is one).</li>
 * </ul>
 */
public final class GroupPartitionBench {
    private static final int MESSAGES = 3;
    /** Capacity readings that must stay unchanged, 250 ms apart, before a measurement ends. */
    private static final int QUIET_READINGS = 4;

    private GroupPartitionBench() {}

    public static void run(LiveStack stack, Report report, List<Integer> deviceCounts) throws Exception {
        double least = Double.MAX_VALUE;
        double most = 0;
        for (int devices : deviceCounts) {
            double wcu = measure(stack, report, devices);
            least = Math.min(least, wcu);
            most = Math.max(most, wcu);
        }
        report.add("group_partition_wcu_per_msg_spread", most - least, "WCU",
                Target.atMost(0, "WCU (the same whatever the number of devices online)"));
    }

    private static double measure(LiveStack stack, Report report, int devices) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String sender = "part-" + run + "-sender";
        List<String> members = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            members.add("part-" + run + "-m" + i);
        }
        String group = createGroup(stack, sender, members);
        AtomicInteger arrivals = new AtomicInteger();
        List<LiveStack.Device> online = members.stream().map(member -> new LiveStack.Device(member, "d1")).toList();
        List<BenchSocket> sockets = stack.connectAll(online, (socket, frame, at) -> onFrame(socket, frame, group, arrivals));
        BenchSocket from = stack.connect(sender, "d1", (socket, frame, at) -> { });
        try {
            send(from, group, run + "-warm");
            awaitArrivals(arrivals, devices);
            awaitQuiet(stack);
            stack.resetMeters();
            stack.partition().watch(group);
            for (int i = 0; i < MESSAGES; i++) {
                send(from, group, run + "-" + i);
            }
            awaitArrivals(arrivals, devices * (MESSAGES + 1));
            awaitQuiet(stack);
            double wcu = stack.partition().writeUnits() / MESSAGES;
            double rru = stack.partition().readUnits() / MESSAGES;
            report.add("group_partition_wcu_per_msg_devices_" + devices, wcu, "WCU");
            report.add("group_partition_rru_per_msg_devices_" + devices, rru, "RRU");
            return wcu;
        } finally {
            stack.partition().watch(null);
            from.close();
            LiveStack.closeAll(sockets);
        }
    }

    /** Each device acks every message of the group as it arrives (the SDKs coalesce acks; one per message is the most they send). */
    private static void onFrame(BenchSocket socket, JsonNode frame, String group, AtomicInteger arrivals) {
        if ("message".equals(frame.path("type").asText()) && group.equals(frame.path("conversationId").asText())) {
            socket.send("{\"action\":\"ack\",\"conversationId\":\"" + group + "\",\"seq\":" + frame.path("seq").asLong() + "}");
            arrivals.incrementAndGet();
        }
    }

    private static void send(BenchSocket from, String group, String clientMsgId) {
        from.send(BenchSocket.sendFrame(group, clientMsgId, "partition benchmark"));
    }

    /** One {@code POST /api/groups} with every member, as a client creates a group. */
    private static String createGroup(LiveStack stack, String creator, List<String> members) {
        return stack.createGroup(creator, "partition", members);
    }

    private static void awaitArrivals(AtomicInteger arrivals, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (arrivals.get() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + arrivals.get() + " of " + expected + " pushes arrived");
            }
            Thread.sleep(20);
        }
    }

    /** Until the capacity spent stops moving (the acks sent after the last push have been applied). */
    private static void awaitQuiet(LiveStack stack) throws InterruptedException {
        double last = -1;
        int quiet = 0;
        while (quiet < QUIET_READINGS) {
            Thread.sleep(250);
            double now = stack.writeUnits() + stack.readUnits();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }
}
