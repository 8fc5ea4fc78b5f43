package dev.parley.bench.cold;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the functions call besides DynamoDB during a cold start, served from the benchmark process:
 * the JWKS the authorizer verifies against (Cognito's, on AWS) and an {@code @connections} API that
 * accepts every post with 200 (API Gateway's, on AWS). Also signs the tokens.
 */
final class ColdEndpoints implements AutoCloseable {
    static final String ISSUER = "https://parley.bench/cold";
    static final String JWKS_PATH = "/jwks.json";

    private final HttpServer server;
    private final ExecutorService threads;
    private final RSAKey key;
    private final AtomicLong posts = new AtomicLong();

    private ColdEndpoints(HttpServer server, ExecutorService threads, RSAKey key) {
        this.server = server;
        this.threads = threads;
        this.key = key;
    }

    static ColdEndpoints start() throws IOException, JOSEException {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: 40 ms per response, which would be charged to the handlers.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .keyID(UUID.randomUUID().toString()).generate();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        server.setExecutor(threads);
        ColdEndpoints endpoints = new ColdEndpoints(server, threads, key);
        server.createContext("/", endpoints::handle);
        server.start();
        return endpoints;
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
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(userId).claim("device", deviceId)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals(JWKS_PATH)) {
                byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
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
    }
}
