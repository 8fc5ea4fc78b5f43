package dev.parley.infra;

import software.amazon.awscdk.Duration;

/**
 * Every Lambda handler Parley deploys: the class in the functions jar, whether cold starts sit on a
 * user's critical path (SnapStart), and how long an invocation may run.
 *
 * <p>The classes live in {@code dev.parley.functions.handlers} of the functions module; they are
 * named here as strings so this module does not depend on the function code.
 */
public enum ParleyHandler {
    /** The $connect Lambda REQUEST authorizer; every new connection waits for it. */
    CONNECT_AUTHORIZER("ConnectAuthorizer", "ConnectAuthorizerHandler", true, true, Timeouts.MESSAGE),
    CONNECT("Connect", "ConnectHandler", true, true, Timeouts.MESSAGE),
    /** Runs after the socket is gone; nobody waits for it. */
    DISCONNECT("Disconnect", "DisconnectHandler", true, false, Timeouts.MESSAGE),
    /** Answers unknown actions with an error frame; a rare path. */
    DEFAULT_ROUTE("DefaultRoute", "DefaultRouteHandler", true, false, Timeouts.MESSAGE),
    SEND("Send", "SendHandler", true, true, Timeouts.MESSAGE),
    HEARTBEAT("Heartbeat", "HeartbeatHandler", true, true, Timeouts.MESSAGE),
    SYNC("Sync", "SyncHandler", false, true, Timeouts.MESSAGE),
    HISTORY("History", "HistoryHandler", false, true, Timeouts.MESSAGE),
    ACK("Ack", "AckHandler", false, true, Timeouts.MESSAGE),
    READ("Read", "ReadHandler", false, true, Timeouts.MESSAGE),
    /** HTTP API: POST /groups, POST /groups/{id}/members, DELETE /groups/{id}/members/{userId}. */
    GROUPS("Groups", "GroupsHandler", false, true, Timeouts.MESSAGE),
    /** HTTP API: GET /conversations, GET /conversations/{id}/messages. */
    CONVERSATIONS("Conversations", "ConversationsHandler", false, true, Timeouts.MESSAGE),
    /** HTTP API: PUT /devices/{deviceId}, DELETE /devices/{deviceId}. */
    DEVICES("Devices", "DevicesHandler", false, false, Timeouts.MESSAGE),
    /** HTTP API: GET /presence. */
    PRESENCE("Presence", "PresenceHandler", false, true, Timeouts.MESSAGE),
    /** Consumes the presence queue: publishes "offline" once the reconnect grace period is over. */
    PRESENCE_CHECK("PresenceCheck", "PresenceCheckHandler", false, false, Duration.seconds(30)),
    /**
     * The messages-stream consumer. No SnapStart: the stream poller keeps it warm while traffic
     * flows and a cold start is paid once per batch of up to 100 records, not once per request.
     * Its timeout covers a full batch of @connections posts.
     */
    FANOUT("Fanout", "FanoutHandler", true, false, Duration.seconds(60));

    public static final String HANDLER_PACKAGE = "dev.parley.functions.handlers";

    private final String id;
    private final String className;
    private final boolean required;
    private final boolean latencyCritical;
    private final Duration timeout;

    ParleyHandler(String id, String className, boolean required, boolean latencyCritical, Duration timeout) {
        this.id = id;
        this.className = className;
        this.required = required;
        this.latencyCritical = latencyCritical;
        this.timeout = timeout;
    }

    /** The construct id of the function, also the prefix of its alarms and log group. */
    public String id() {
        return id;
    }

    /** The Lambda handler string, {@code package.Class::handleRequest}. */
    public String handler() {
        return HANDLER_PACKAGE + "." + className + "::handleRequest";
    }

    /** The class file's entry name in the jar. */
    public String classFile() {
        return HANDLER_PACKAGE.replace('.', '/') + "/" + className + ".class";
    }

    /**
     * Whether the stack cannot work without this handler. The others (the sync family, whose
     * classes arrive in a later issue) are deployed, route and all, once the jar contains them: a
     * SnapStart version of a function whose handler class is missing fails to publish, and with it
     * the whole deployment.
     */
    public boolean required() {
        return required;
    }

    /** Whether a cold start delays a user's request, so the function runs with SnapStart. */
    public boolean latencyCritical() {
        return latencyCritical;
    }

    public Duration timeout() {
        return timeout;
    }

    private static final class Timeouts {
        /**
         * API Gateway gives a WebSocket integration at most 29 s; a message handler doing a few
         * DynamoDB calls that has not answered in 10 s will not, and the client retries its
         * clientMsgId anyway.
         */
        static final Duration MESSAGE = Duration.seconds(10);
    }
}
