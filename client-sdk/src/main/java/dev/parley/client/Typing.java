package dev.parley.client;

/**
 * Another member started ({@code typing} true) or stopped typing. Never stored; a {@code stop}
 * may be lost, so treat {@link #STOP_AFTER_MILLIS} without a new start as a stop.
 */
public record Typing(String conversationId, String userId, boolean typing) {
    /** Senders repeat a start every 3 s while typing; 5 s without one means stopped (docs/protocol.md). */
    public static final long STOP_AFTER_MILLIS = 5_000;
    public static final long REPEAT_START_MILLIS = 3_000;
}
