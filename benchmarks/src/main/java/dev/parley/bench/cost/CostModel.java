package dev.parley.bench.cost;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Message;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The AWS cost of a million messages, from units measured in this run and the list prices of
 * prices.json. Every assumption is a named constant here and is printed with the figures;
 * docs/benchmarks.md explains them.
 *
 * <p>Two totals per shape: the <em>message path</em> (what one more message costs: DynamoDB
 * units, Lambda, API Gateway messages, bytes out, the first month of storage) and
 * <em>all-in</em>, which adds the cost of keeping the users connected (connection minutes,
 * heartbeats, connect and disconnect), spread over the messages they send under {@link #PROFILE}.
 */
public final class CostModel {
    /** JavaFunctionFactory.MEMORY_MB: every function has 1024 MB. */
    static final double MEMORY_GB = 1024 / 1024.0;

    /**
     * A user-day: messages sent, minutes connected, sessions (connect + disconnect), heartbeat
     * interval in minutes (half of API Gateway's 10-minute idle timeout). A user's connection time
     * is charged to the messages that user sends.
     */
    record Profile(double messagesPerDay, double connectedMinutesPerDay, double sessionsPerDay,
                   double heartbeatEveryMinutes) {
        double minutesPerMessage() {
            return connectedMinutesPerDay / messagesPerDay;
        }

        double heartbeatsPerMessage() {
            return connectedMinutesPerDay / heartbeatEveryMinutes / messagesPerDay;
        }

        double sessionsPerMessage() {
            return sessionsPerDay / messagesPerDay;
        }
    }

    static final Profile PROFILE = new Profile(40, 60, 4, 5);

    /**
     * The CDK app's target utilization with {@code -c billing=provisioned} (DataTables.TARGET_UTILIZATION):
     * a provisioned unit is paid for every hour and used at this share on average, at steady load
     * above the 5-unit floors (docs/scale.md says from which load that holds).
     */
    static final double PROVISIONED_UTILIZATION = 0.70;

    /** PRESENCE_TIMEOUT_SECONDS (90) minus HEARTBEAT_INTERVAL_SECONDS (30) minus 5: see ConnectionService.heartbeat. */
    static final double HEARTBEAT_TOUCH_EVERY_SECONDS = 55;

    /** A heartbeat that writes: the connection item's update and the heartbeat budget's, each under 1 KB. */
    static final double WRITING_HEARTBEAT_WRU = 2;

    /** Peers' connections online when a user's presence changes: each gets the presence frame. */
    static final int PEER_CONNECTIONS_ONLINE = 3;

    /** The delayed offline check: SendMessage, and Lambda's ReceiveMessage and DeleteMessage. */
    static final int SQS_REQUESTS_PER_SESSION = 3;

    /** Ids as Cognito issues them (36-character subs), for frame and item sizes. */
    private static final String USER_A = "4f1b2c3d-1111-4a5b-9c8d-0123456789ab";
    private static final String USER_B = "9e8d7c6b-2222-4f3e-8d2c-ba9876543210";
    private static final String CLIENT_MSG_ID = "01JD7Q6ZK3M4N5P6Q7R8S9T0VW";
    private static final String BODY = "{\"text\":\"a short text message, as most chat messages are\"}";

    /** One shape of message: what it takes, in measured units. */
    record Shape(String name, double writeUnits, double readUnits, double sendMillis, double fanoutMillis,
                 int recipientConnections, boolean overHttp) {
        Shape(String name, double writeUnits, double readUnits, double sendMillis, double fanoutMillis,
              int recipientConnections) {
            this(name, writeUnits, readUnits, sendMillis, fanoutMillis, recipientConnections, false);
        }
    }

    private final Prices prices;
    private final Report report;

    private CostModel(Prices prices, Report report) {
        this.prices = prices;
        this.report = report;
    }

    /**
     * @param warmMillis warm handler durations measured in fresh JVMs (see ColdStartBench), by name
     */
    public static void run(Report report, Map<String, Double> warmMillis) {
        new CostModel(Prices.load(), report).run(warmMillis);
    }

    private void run(Map<String, Double> warm) {
        Prices p = prices;
        report.comment("cost model (prices of " + p.compiled() + ", us-east-1, prices.json): Lambda 1024 MB arm64, "
                + "billed duration = warm duration measured locally (fresh JVM, C1) rounded up to 1 ms - a proxy; one "
                + "fan-out invocation per message (quiet conversation; busy streams batch up to 100); API Gateway "
                + "messages = the send frame + its sent reply + one push per recipient connection (one device per "
                + "user, each frame < 32 KB); all-in adds per message sent " + Report.format(PROFILE.minutesPerMessage())
                + " connection minutes, " + Report.format(PROFILE.heartbeatsPerMessage()) + " heartbeats and "
                + Report.format(PROFILE.sessionsPerMessage()) + " sessions (connect, presence online and offline pushed to "
                + PEER_CONNECTIONS_ONLINE + " peer connections, disconnect, the delayed offline check: 4 Lambda "
                + "invocations, " + SQS_REQUESTS_PER_SESSION + " SQS requests) (a user-day of "
                + (int) PROFILE.messagesPerDay() + " messages, " + (int) PROFILE.connectedMinutesPerDay()
                + " connected minutes in " + (int) PROFILE.sessionsPerDay() + " sessions, a heartbeat every "
                + (int) PROFILE.heartbeatEveryMinutes() + " min)");

        double directWru = report.value("direct_wru_per_msg");
        double directRru = report.value("direct_rru_per_msg");
        double group10Wru = report.value("group10_wru_per_msg");
        double group10Rru = report.value("group10_rru_per_msg");

        double sendMs = warm.getOrDefault("send", Double.NaN);
        Shape direct = new Shape("direct", directWru, directRru, sendMs,
                warm.getOrDefault("fanout_direct_message", Double.NaN), 1);
        Shape group10 = new Shape("group10", group10Wru, group10Rru, warm.getOrDefault("send_group10", sendMs),
                warm.getOrDefault("fanout_group10_message", Double.NaN), 9);

        // Protocol v2's send over HTTP: the same send function (the warm send duration stands in for
        // it), one HTTP API request instead of the send frame and its sent reply.
        Shape directHttp = new Shape("direct_http", report.value("direct_http_wru_per_msg"),
                report.value("direct_http_rru_per_msg"), sendMs, warm.getOrDefault("fanout_direct_message", Double.NaN),
                1, true);

        Map<String, Double> session = sessionCosts(warm);
        double directAllIn = shape(direct, session, Target.atMost(5.00, "USD"));
        shape(directHttp, session, Target.atMost(5.00, "USD"));
        double group10AllIn = shape(group10, session, null);

        report.comment("beside (list price x billed messages; their connection/channel minutes not counted): Ably counts "
                + "the publish and each delivery, AppSync Events counts the publish and each delivery as operations");
        report.add("ably_usd_per_million_direct", p.ablyMessagesPerMillion() * (1 + direct.recipientConnections()), "USD");
        report.add("ably_usd_per_million_group10", p.ablyMessagesPerMillion() * (1 + group10.recipientConnections()),
                "USD");
        report.add("appsync_events_usd_per_million_direct",
                p.appSyncEventsOperationsPerMillion() * (1 + direct.recipientConnections()), "USD");
        report.add("appsync_events_usd_per_million_group10",
                p.appSyncEventsOperationsPerMillion() * (1 + group10.recipientConnections()), "USD");
        if (Double.isNaN(directAllIn) || Double.isNaN(group10AllIn)) {
            report.comment("cost figures are NaN where a measurement they need failed");
        }
    }

    /** Reports the costs of one shape; returns the all-in total in USD per million messages. */
    private double shape(Shape shape, Map<String, Double> session, Target allInTarget) {
        Prices p = prices;
        Map<String, Double> lines = new LinkedHashMap<>();
        lines.put("dynamodb", shape.writeUnits() * p.wruPerMillion() + shape.readUnits() * p.rruPerMillion());
        double billedSeconds = (Math.ceil(shape.sendMillis()) + Math.ceil(shape.fanoutMillis())) / 1000.0;
        lines.put("lambda", 2 * p.lambdaRequestsPerMillion() + billedSeconds * MEMORY_GB * p.lambdaArmGbSecond() * 1e6);
        int websocketMessages = (shape.overHttp() ? 0 : 2) + shape.recipientConnections();
        lines.put("apigw_messages", websocketMessages * p.websocketMessagesPerMillion());
        if (shape.overHttp()) {
            lines.put("apigw_http_requests", p.httpRequestsPerMillion());
        }
        double bytesOut = sentFrameBytes() + shape.recipientConnections() * pushFrameBytes();
        double storedBytes = messageItemBytes();
        lines.put("transfer_and_storage", bytesOut * 1e6 / 1e9 * p.transferOutPerGb()
                + storedBytes * 1e6 / 1e9 * p.storagePerGbMonth());
        double messagePath = lines.values().stream().mapToDouble(Double::doubleValue).sum();
        lines.putAll(session);
        double allIn = lines.values().stream().mapToDouble(Double::doubleValue).sum();

        String prefix = shape.name() + "_cost_usd_per_million";
        report.add(prefix, allIn, "USD", allInTarget);
        report.add(prefix + "_message_path", messagePath, "USD");
        lines.forEach((line, usd) -> report.add(prefix + "_" + line, usd, "USD"));
        // What no change to the functions or the tables lowers: API Gateway's metering of the
        // message's own frames and the cost of keeping the profile's users connected.
        double gatewayAndSessions = lines.get("apigw_messages") + lines.getOrDefault("apigw_http_requests", 0.0)
                + lines.get("connection_minutes") + lines.get("heartbeats") + lines.get("sessions");
        report.add(prefix + "_gateway_and_sessions", gatewayAndSessions, "USD");
        double provisioned = (shape.writeUnits() * p.wcuHour() + shape.readUnits() * p.rcuHour())
                / (3600 * PROVISIONED_UTILIZATION) * 1e6;
        report.add(prefix + "_provisioned", allIn - lines.get("dynamodb") + provisioned, "USD");
        report.comment(shape.name() + ": _gateway_and_sessions is the part of all-in that API Gateway's metering and "
                + "the profile's connected users set (frames of the message, connection minutes, heartbeats, sessions); "
                + "_provisioned is all-in with the message path's DynamoDB units at provisioned prices "
                + "(-c billing=provisioned, " + (int) (PROVISIONED_UTILIZATION * 100) + " % utilization, steady load)");
        report.comment(shape.name() + " per message: " + Report.format(shape.writeUnits()) + " WRU, "
                + Report.format(shape.readUnits()) + " RRU, 2 Lambda invocations (" + Report.format(billedSeconds * 1000)
                + " billed ms), " + (shape.overHttp() ? "1 HTTP API request, " : "") + websocketMessages
                + " API Gateway WebSocket messages, " + Report.format(bytesOut)
                + " bytes out, " + Report.format(storedBytes) + " bytes stored (first month)");
        return allIn;
    }

    /** Connection minutes, heartbeats and sessions, per million messages sent (the same for both shapes). */
    private Map<String, Double> sessionCosts(Map<String, Double> warm) {
        Prices p = prices;
        Map<String, Double> lines = new LinkedHashMap<>();
        lines.put("connection_minutes", PROFILE.minutesPerMessage() * p.connectionMinutesPerMillion());
        double heartbeat = 2 * p.websocketMessagesPerMillion() + p.lambdaRequestsPerMillion()
                + billedMillis(warm, "heartbeat") / 1000.0 * MEMORY_GB * p.lambdaArmGbSecond() * 1e6
                + heartbeatWriteUnits() * p.wruPerMillion() + report.value("heartbeat_rru") * p.rruPerMillion();
        lines.put("heartbeats", PROFILE.heartbeatsPerMessage() * heartbeat);
        // Authorizer, $connect, $disconnect and the delayed presence check (assumed as long as a heartbeat).
        double sessionMillis = billedMillis(warm, "authorizer") + billedMillis(warm, "connect")
                + billedMillis(warm, "disconnect") + billedMillis(warm, "heartbeat");
        double session = 4 * p.lambdaRequestsPerMillion() + sessionMillis / 1000.0 * MEMORY_GB * p.lambdaArmGbSecond() * 1e6
                + report.value("session_wru") * p.wruPerMillion() + report.value("session_rru") * p.rruPerMillion()
                + SQS_REQUESTS_PER_SESSION * p.sqsRequestsPerMillion()
                + report.value("session_presence_pushes_per_peer") * PEER_CONNECTIONS_ONLINE * p.websocketMessagesPerMillion();
        lines.put("sessions", PROFILE.sessionsPerMessage() * session);
        return lines;
    }

    /**
     * A heartbeat writes only when the connection's stored {@code lastActiveAt} may be older than
     * {@link #HEARTBEAT_TOUCH_EVERY_SECONDS}; the benchmark's heartbeats come seconds after their
     * connect and write nothing ({@code heartbeat_wru}), so the profile's cadence decides: a
     * heartbeat every 5 minutes writes every time, the connection item and the shared heartbeat
     * budget ({@link #WRITING_HEARTBEAT_WRU}).
     */
    private double heartbeatWriteUnits() {
        double everySeconds = PROFILE.heartbeatEveryMinutes() * 60;
        double writingShare = everySeconds >= HEARTBEAT_TOUCH_EVERY_SECONDS ? 1
                : 1 / Math.ceil(HEARTBEAT_TOUCH_EVERY_SECONDS / everySeconds + 1e-9);
        return Math.max(report.value("heartbeat_wru"), writingShare * WRITING_HEARTBEAT_WRU);
    }

    private static double billedMillis(Map<String, Double> warm, String handler) {
        return Math.ceil(warm.getOrDefault(handler, Double.NaN));
    }

    private static int sentFrameBytes() {
        return FrameCodec.encode(new ServerFrame.Sent("r-" + CLIENT_MSG_ID, ConversationId.direct(USER_A, USER_B),
                CLIENT_MSG_ID, 12_345, 1_795_411_812_345L)).getBytes(StandardCharsets.UTF_8).length;
    }

    private static int pushFrameBytes() {
        return FrameCodec.encode(new ServerFrame.MessagePush(sample())).getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The message item by DynamoDB's size rule (attribute name bytes + value bytes; numbers about
     * one byte per two digits, plus one), with its short attribute names.
     */
    private static int messageItemBytes() {
        Message m = sample();
        Map<String, Integer> attributes = new LinkedHashMap<>();
        attributes.put("conversationId", m.conversationId().length());
        attributes.put("seq", 4);
        attributes.put("type", 1);
        attributes.put("senderId", m.senderId().length());
        attributes.put("clientMsgId", m.clientMsgId().length());
        attributes.put("body", m.bodyJson().getBytes(StandardCharsets.UTF_8).length);
        attributes.put("sentAt", 8);
        attributes.put("origin", 16);
        return attributes.entrySet().stream().collect(Collectors.summingInt(e -> e.getKey().length() + e.getValue()));
    }

    private static Message sample() {
        return new Message(ConversationId.direct(USER_A, USER_B), 12_345, USER_A, CLIENT_MSG_ID, BODY, 1_795_411_812_345L);
    }
}
