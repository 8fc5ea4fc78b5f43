package dev.parley.local.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The local-only endpoints ({@code /dev/*}, {@code @connections}) answer this machine's own
 * clients only: a request whose {@code Host} is not a loopback name (DNS rebinding: a web page
 * whose domain now resolves to 127.0.0.1) or whose {@code Origin} is another site (a cross-origin
 * form or fetch from any page the developer has open) is refused with 403.
 */
public final class LocalOnly {
    static final String REFUSAL = "local endpoints answer requests from this machine's own origin only";

    private LocalOnly() {}

    public static boolean allows(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !loopback(hostName(host))) {
            return false;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return true; // not a browser's cross-origin request
        }
        String expected = "http://" + host;
        return origin.equals(expected);
    }

    private static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static boolean loopback(String name) {
        return name.equals("127.0.0.1") || name.equalsIgnoreCase("localhost") || name.equals("[::1]");
    }
}
