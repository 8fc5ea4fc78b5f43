package dev.parley.client;

/**
 * Supplies the JWT for the WebSocket handshake. Tokens expire, so the client asks for one on
 * every connection attempt, reconnects included, and never caches it. Called on a thread of the
 * client's own (it may block, e.g. on a refresh call to the identity provider); an exception
 * counts as a failed connection attempt and is retried with backoff.
 */
@FunctionalInterface
public interface TokenSupplier {
    String token() throws Exception;
}
