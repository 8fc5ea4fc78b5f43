package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Failure log lines, one JSON object per line (CloudWatch Logs on Lambda, stderr locally). */
final class Log {
    private Log() {}

    static void failure(APIGatewayV2WebSocketEvent event, String requestId, Throwable failure) {
        var context = event.getRequestContext();
        failure("route", context == null ? null : context.getRouteKey(),
                context == null ? null : context.getConnectionId(), requestId, failure);
    }

    static void failure(String what, String route, String connectionId, String requestId, Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        System.err.println("{\"level\":\"ERROR\",\"what\":" + quote(what) + ",\"route\":" + quote(route)
                + ",\"connectionId\":" + quote(connectionId) + ",\"requestId\":" + quote(requestId)
                + ",\"error\":" + quote(trace.toString()) + "}");
    }

    /** A failure with its stack trace, for a log field. */
    static String trace(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
