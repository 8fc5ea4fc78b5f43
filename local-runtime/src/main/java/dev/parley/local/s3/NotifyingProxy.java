package dev.parley.local.s3;

import java.util.function.Function;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's reverse proxy to S3Proxy, unchanged but for one thing: once a response that created an
 * object has reached the client, the notifier hears of it (S3 sends its notifications after the
 * write succeeded, never before). The {@code Host} header is forwarded as the client sent it: it is
 * part of every SigV4 signature.
 */
final class NotifyingProxy extends ProxyHandler.Reverse {
    private final ObjectCreatedNotifier notifier;

    NotifyingProxy(Function<Request, HttpURI> rewrite, ObjectCreatedNotifier notifier) {
        super(rewrite);
        this.notifier = notifier;
    }

    @Override
    protected void onProxyToClientResponseComplete(Request clientToProxyRequest,
                                                   org.eclipse.jetty.client.Request proxyToServerRequest,
                                                   org.eclipse.jetty.client.Response serverToProxyResponse,
                                                   Response proxyToClientResponse, Callback proxyToClientCallback) {
        super.onProxyToClientResponseComplete(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback);
        if (serverToProxyResponse.getStatus() == 200) {
            notifier.responded(clientToProxyRequest.getMethod(), clientToProxyRequest.getHttpURI(),
                    clientToProxyRequest.getHeaders(), serverToProxyResponse.getHeaders());
        }
    }
}
