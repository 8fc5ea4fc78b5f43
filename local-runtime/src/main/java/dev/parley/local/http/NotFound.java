package dev.parley.local.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The last handler: a JSON 404 in the HTTP API's error shape. */
public final class NotFound extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        DevApi.error(response, callback, 404, "NOT_FOUND", "no route for " + request.getMethod() + " "
                + Request.getPathInContext(request));
        return true;
    }
}
