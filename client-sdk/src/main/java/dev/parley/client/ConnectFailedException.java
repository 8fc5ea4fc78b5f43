package dev.parley.client;

import java.time.Duration;

/**
 * {@link ParleyClient#connect()} gave up: no connection was open and caught up within the connect
 * timeout. The cause is the last attempt's failure (a {@link java.net.ConnectException} when
 * nothing listens at the URL). The client goes on trying in the background until
 * {@link ParleyClient#close()}; {@link MessageListener#onConnectionState} tells when it succeeds.
 */
public final class ConnectFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(String url, Duration timeout, String lastFailure, Throwable cause) {
        super("could not connect to " + url + " within " + describe(timeout)
                + (lastFailure == null ? "" : ": " + lastFailure), cause);
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
