package dev.parley.local.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every refusal Jetty writes itself (a bad or ambiguous URI, a 429 at {@code $connect}, a body too
 * large, a failure) in the HTTP API's JSON error shape, never an HTML page. Nothing of the request
 * is echoed: a token in the URL must not come back in an error page.
 */
public final class JsonErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() <= 0 || response.getStatus() == 200 ? 500 : response.getStatus();
        try {
            DevApi.error(response, callback, status, code(status), HttpStatus.getMessage(status));
        } catch (Exception failed) {
            callback.failed(failed);
        }
        return true;
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 408 -> "TIMEOUT";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 429 -> "RATE_LIMITED";
            default -> status >= 500 ? "INTERNAL" : "HTTP_" + status;
        };
    }
}
