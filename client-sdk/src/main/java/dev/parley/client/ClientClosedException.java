package dev.parley.client;

/**
 * The client was closed before the request was answered. For a send this means the outcome is
 * unknown: the message may have been stored (a later sync will show it).
 */
public final class ClientClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClientClosedException(String message) {
        super(message);
    }
}
