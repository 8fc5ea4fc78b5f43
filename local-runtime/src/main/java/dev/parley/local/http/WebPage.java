package dev.parley.local.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the web chat page shipped in the local-runtime jar ({@code /web/} on the class path):
 * {@code GET /} is {@code index.html}; other files by name. No build step, no CDN.
 */
public final class WebPage extends Handler.Abstract {
    /**
     * The page only loads its own files, talks to its own origin (HTTP and WebSocket) and to the
     * object store its presigned attachment URLs point at (PUT of an upload, GET of an image), and
     * shows a picked image before it is sent ({@code blob:}). The page never puts message text into
     * markup; this policy is the second line of defence should that ever slip: injected script and
     * inline handlers do not run, and no other origin is reached.
     */
    private final String contentSecurityPolicy;

    /** @param objectStore the origin of the attachments' presigned URLs ({@code http://127.0.0.1:PORT}) */
    public WebPage(URI objectStore) {
        String store = objectStore.getScheme() + "://" + objectStore.getAuthority();
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; "
                + "img-src 'self' blob: " + store + "; connect-src 'self' ws: wss: " + store + "; "
                + "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    }

    /** The policy the page is served with. */
    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        if (!HttpMethod.GET.is(request.getMethod())) {
            return false;
        }
        String path = Request.getPathInContext(request);
        String file = path.equals("/") ? "index.html" : path.substring(1);
        if (file.isEmpty() || file.contains("..") || file.startsWith("/") || !file.matches("[A-Za-z0-9._/-]+")) {
            return false;
        }
        byte[] content;
        try (InputStream in = WebPage.class.getResourceAsStream("/web/" + file)) {
            if (in == null) {
                return false;
            }
            content = in.readAllBytes();
        }
        String extension = file.substring(file.lastIndexOf('.') + 1);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.getOrDefault(extension, "application/octet-stream"));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (extension.equals("html")) {
            response.getHeaders().put("Content-Security-Policy", contentSecurityPolicy);
        }
        response.write(true, ByteBuffer.wrap(content), callback);
        return true;
    }
}
