package dev.parley.bench.cold;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.parley.local.auth.LocalIssuer;
import dev.parley.local.http.LocalQueue;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What the functions call besides DynamoDB during a cold start, served from the benchmark process:
 * the JWKS the authorizer verifies against (Cognito's on AWS; here the local runtime's
 * {@link LocalIssuer}, which also signs the tokens), an {@code @connections} API that accepts
 * every post with 200 (API Gateway's, on AWS), and the presence queue that {@code $connect} sends
 * to: the local runtime's SQS {@link LocalQueue}, whose deliveries are dropped.
 */
final class ColdEndpoints implements AutoCloseable {
    static final String ISSUER = LocalIssuer.ISSUER;
    static final String JWKS_PATH = "/jwks.json";
    private static final String PRESENCE_QUEUE = "parley-presence";

    private final HttpServer server;
    private final ExecutorService threads;
    private final LocalIssuer issuer;
    private final AtomicLong posts = new AtomicLong();
    private final Server queues;
    private final LocalQueue presence;
    private final AtomicLong presenceMessages;

    private ColdEndpoints(HttpServer server, ExecutorService threads, LocalIssuer issuer, Server queues,
                          LocalQueue presence, AtomicLong presenceMessages) {
        this.server = server;
        this.threads = threads;
        this.issuer = issuer;
        this.queues = queues;
        this.presence = presence;
        this.presenceMessages = presenceMessages;
    }

    static ColdEndpoints start() throws IOException {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: 40 ms per response, which would be charged to the handlers.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        server.setExecutor(threads);
        AtomicLong delivered = new AtomicLong();
        LocalQueue presence = new LocalQueue(PRESENCE_QUEUE, event -> {
            delivered.addAndGet(event.getRecords().size());
            return new SQSBatchResponse(List.of());
        });
        Server queues = new Server();
        ServerConnector connector = new ServerConnector(queues);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        queues.addConnector(connector);
        queues.setHandler(presence);
        try {
            queues.start();
        } catch (Exception e) {
            throw new IOException("the presence queue did not start", e);
        }
        ColdEndpoints endpoints = new ColdEndpoints(server, threads, LocalIssuer.create(Optional.empty()), queues, presence,
                delivered);
        server.createContext("/", endpoints::handle);
        server.start();
        return endpoints;
    }

    /** The SQS endpoint of the presence queue (the local runtime's {@code SQS_ENDPOINT}). */
    String sqsEndpoint() {
        return queuesBase() + LocalQueue.PREFIX;
    }

    String presenceQueueUrl() {
        return LocalQueue.queueUrl(queuesBase(), PRESENCE_QUEUE);
    }

    /** Messages the presence queue delivered so far (each a moment after its SendMessage). */
    long presenceMessages() {
        return presenceMessages.get();
    }

    private String queuesBase() {
        return "http://127.0.0.1:" + ((ServerConnector) queues.getConnectors()[0]).getLocalPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String jwksUrl() {
        return baseUrl() + JWKS_PATH;
    }

    /** Posts to {@code @connections} so far. */
    long posts() {
        return posts.get();
    }

    String token(String userId, String deviceId) {
        return issuer.token(userId, deviceId, LocalIssuer.DEFAULT_TTL);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals(JWKS_PATH)) {
                byte[] jwks = issuer.jwks().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
            } else if (path.startsWith("/@connections/") && exchange.getRequestMethod().equals("POST")) {
                posts.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        presence.close();
        try {
            queues.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the presence queue did not stop", e);
        }
    }
}
