package dev.parley.model.routes;

/** The names of Parley's SQS queues, as the catalogue and the deployments refer to them. */
public final class Queues {
    /** Delayed offline checks that wait out the reconnect grace period. */
    public static final String PRESENCE = "presence";
    /** Fan-out's offline notices, consumed by the notification function (issue 19). */
    public static final String NOTIFICATIONS = "notifications";

    /** The chunks of large conversations' fan-out (SQS FIFO), consumed by the chunk function (issue 16). */
    public static final String FANOUT = "fanout";

    private Queues() {}
}
