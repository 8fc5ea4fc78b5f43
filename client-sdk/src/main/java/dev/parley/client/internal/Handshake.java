package dev.parley.client.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The connect URL, and what a failed connection attempt was, as the logs and exceptions say it. */
final class Handshake {
    private Handshake() {}

    static URI connectUri(String websocketUrl, String token, String deviceId) {
        URI base = URI.create(websocketUrl);
        StringBuilder uri = new StringBuilder(websocketUrl);
        if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
            uri.append('/');
        }
        uri.append(base.getRawQuery() == null ? '?' : '&').append("token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
        if (deviceId != null) {
            uri.append("&deviceId=").append(URLEncoder.encode(deviceId, StandardCharsets.UTF_8));
        }
        return URI.create(uri.toString());
    }

    static int handshakeStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HandshakeRefusedException refused) {
                return refused.status();
            }
        }
        return -1;
    }

    /**
     * A failure as a person would say it: "connection refused" rather than the
     * ClosedChannelException that java.net.http wraps in its ConnectException, else the innermost
     * cause by class and message.
     */
    static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.http.HttpConnectTimeoutException) {
                return "connect timed out";
            }
            if (t instanceof java.net.ConnectException) {
                return t.getMessage() == null || t.getMessage().isBlank() ? "connection refused"
                        : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
