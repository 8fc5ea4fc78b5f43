package dev.parley.functions.push;

/** Sends a frame to one WebSocket connection through the gateway's @connections API. */
public interface ConnectionPusher {

    enum Outcome {
        DELIVERED,
        /** The connection no longer exists (HTTP 410): its mapping should be removed. */
        GONE
    }

    /** Blocks until the gateway answered. Throws for any failure worth a retry (throttling, 5xx, I/O). */
    Outcome post(String connectionId, String frame);
}
