package dev.parley.bench.live;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.bench.support.Stats;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 19, hazard 5: a presence change of a user with many direct peers. The user's direct
 * memberships and the peers' presence items are seeded straight into the tables (5,000 through
 * the routes would take minutes); {@value #ONLINE} peers are really connected.
 * <ul>
 *   <li>{@code presence_connect_ms_peers_N}: the WebSocket handshake of the user ($connect
 *       included), median of {@value #ROUNDS}, beside {@code presence_connect_ms_peers_0}: the
 *       publish is off $connect's path, so the two should match.</li>
 *   <li>{@code presence_change_rru_peers_N} and {@code _calls_}: everything a change costs, from the
 *       connect to the last online peer's push: the peers' presence items in batches of 100, then
 *       the online peers' connections only.</li>
 * </ul>
 */
public final class PresenceBench {
    static final int ONLINE = 10;
    private static final int ROUNDS = 5;

    private PresenceBench() {}

    public static void run(LiveStack stack, Report report, int peers) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        report.comment("presence: " + peers + " direct memberships and presence items seeded into the tables, not through the routes");
        double none = connectMillis(stack, "pres-" + run + "-alone", List.of(), null, null);
        report.add("presence_connect_ms_peers_0", none, "ms");

        String user = "pres-" + run + "-u";
        List<String> all = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            all.add("pres-" + run + "-p" + i);
        }
        seed(stack, user, all);
        AtomicInteger told = new AtomicInteger();
        List<LiveStack.Device> online = all.subList(0, ONLINE).stream().map(peer -> new LiveStack.Device(peer, "d1")).toList();
        List<BenchSocket> sockets = stack.connectAll(online, (socket, frame, at) -> {
            if ("presence".equals(frame.path("type").asText()) && user.equals(frame.path("userId").asText())) {
                told.incrementAndGet();
            }
        });
        try {
            double[] units = new double[2];
            double millis = connectMillis(stack, user, sockets, told, units);
            report.add("presence_connect_ms_peers_" + peers, millis, "ms",
                    new Target("about presence_connect_ms_peers_0 (" + Report.format(none) + " ms)", x -> x < none * 2 + 20));
            report.add("presence_change_rru_peers_" + peers, units[0], "RRU",
                    Target.below(peers, "RRU (one strongly consistent connections Query per peer before)"));
            report.add("presence_change_calls_peers_" + peers, units[1], "calls",
                    Target.below(peers, "calls (one per peer before)"));
        } finally {
            LiveStack.closeAll(sockets);
        }
    }

    /**
     * Median handshake time of {@value #ROUNDS} sign-ins; each signs out cleanly (1000) and, when
     * peers listen, waits until they were told "online" and then "offline". {@code units}: the read
     * units and DynamoDB calls of the last round, from the connect to the peers' "online".
     */
    private static double connectMillis(LiveStack stack, String user, List<BenchSocket> peers, AtomicInteger told,
                                        double[] units) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean last = round == ROUNDS - 1;
            if (last && units != null) {
                LiveStack.settle(300);
                stack.resetMeters();
            }
            int before = told == null ? 0 : told.get();
            long started = System.nanoTime();
            BenchSocket device = stack.connect(user, "d1", (socket, frame, at) -> { });
            times.add((System.nanoTime() - started) / 1e6);
            if (told != null) {
                await(told, before + peers.size());
                if (last && units != null) {
                    units[0] = stack.readUnits();
                    units[1] = stack.dynamoCalls().calls();
                }
            }
            device.close();
            if (told != null) {
                await(told, before + 2 * peers.size());
            }
        }
        return Stats.of(times).median();
    }

    private static void await(AtomicInteger told, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (told.get() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("peers were told " + told.get() + " times, expected " + expected);
            }
            Thread.sleep(10);
        }
    }

    /** The user's member items of direct conversations with every peer; half of the peers offline, half never seen. */
    private static void seed(LiveStack stack, String user, List<String> peers) {
        DynamoDbClient dynamo = stack.runtime().dynamo();
        String conversations = stack.runtime().config().get(Setting.CONVERSATIONS_TABLE);
        String presence = stack.runtime().config().get(Setting.PRESENCE_TABLE);
        List<Map<String, AttributeValue>> members = new ArrayList<>();
        List<Map<String, AttributeValue>> states = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < peers.size(); i++) {
            String peer = peers.get(i);
            Map<String, AttributeValue> member = new HashMap<>();
            member.put(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(ConversationId.direct(user, peer)));
            member.put(Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.memberItem(user)));
            member.put(Tables.Conversations.MEMBER_ID, AttributeValue.fromS(user));
            member.put(Tables.Conversations.KIND, AttributeValue.fromS("direct"));
            member.put(Tables.Conversations.READ_SEQ, AttributeValue.fromN("0"));
            member.put(Tables.Conversations.JOINED_SEQ, AttributeValue.fromN("0"));
            members.add(member);
            if (i >= ONLINE && i % 2 == 0) {
                states.add(Map.of(Tables.Presence.USER_ID, AttributeValue.fromS(peer),
                        Tables.Presence.ONLINE, AttributeValue.fromBool(false),
                        Tables.Presence.LAST_ACTIVE_AT, AttributeValue.fromN(Long.toString(now - 60_000))));
            }
        }
        SyncBench.batchWrite(dynamo, conversations, members);
        SyncBench.batchWrite(dynamo, presence, states);
    }
}
