package dev.parley.functions.push;

/** Asks the gateway's {@code @connections} API whether a connection is still open ({@code GET}, GetConnection). */
@FunctionalInterface
public interface ConnectionCheck {

    enum Answer {
        OPEN,
        /** HTTP 410: API Gateway no longer holds the connection. */
        GONE,
        /** No answer worth acting on (throttled, 5xx, I/O): count the connection as open. */
        UNKNOWN
    }

    Answer check(String connectionId);
}
