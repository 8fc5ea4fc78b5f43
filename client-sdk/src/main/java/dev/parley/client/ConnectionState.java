package dev.parley.client;

/** Where the client's connection stands, as reported to {@link MessageListener#onConnectionState}. */
public enum ConnectionState {
    /** Fetching a token and opening the WebSocket. */
    CONNECTING,
    /** Open; catching up with {@code sync} (pushes are already being delivered). */
    SYNCING,
    /** Open and caught up. */
    CONNECTED,
    /** The connection dropped or could not be opened; a reconnect is scheduled with backoff. */
    DISCONNECTED,
    /** The handshake was refused with 401/403 twice in a row; the client waits for {@link ParleyClient#reconnect()}. */
    AUTH_FAILED,
    /** {@link ParleyClient#close()} was called. Final. */
    CLOSED
}
