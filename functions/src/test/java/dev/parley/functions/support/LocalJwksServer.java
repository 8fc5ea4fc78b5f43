package dev.parley.functions.support;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server on a loopback port serving a JWKS as Cognito does ({@code GET /.well-known/jwks.json}),
 * whose next answers can be told to fail (a status code) or to stall (no answer until the server closes),
 * to see what the authorizer's fetch does with a bad network. Every request is counted.
 */
public final class LocalJwksServer implements AutoCloseable {
    private enum Trouble { FAIL, STALL }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicReference<JWKSet> keys;
    private final Queue<Trouble> next = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    public LocalJwksServer(RSAKey key) throws IOException {
        keys = new AtomicReference<>(new JWKSet(key.toPublicJWK()));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/.well-known/jwks.json", this::answer);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    /** The next request is answered with HTTP 500. */
    public LocalJwksServer failNext() {
        next.add(Trouble.FAIL);
        return this;
    }

    /** The next request gets no answer at all until the server closes. */
    public LocalJwksServer stallNext() {
        next.add(Trouble.STALL);
        return this;
    }

    /** Serves another key from now on (a rotation). */
    public void rotateTo(RSAKey key) {
        keys.set(new JWKSet(key.toPublicJWK()));
    }

    /** Requests received so far, answered or not. */
    public int requests() {
        return requests.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            Trouble trouble = next.poll();
            if (trouble == Trouble.STALL) {
                try {
                    closing.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            byte[] body = (trouble == Trouble.FAIL ? "{\"message\":\"Internal server error\"}"
                    : keys.get().toString()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(trouble == Trouble.FAIL ? 500 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
