package dev.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Transport} that is the server: it records every frame the client sends and hands the
 * client whatever frames a test crafts, with no socket in between.
 */
final class FakeServer implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final java.util.List<JsonNode> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Inbound client;

    @Override
    public CompletableFuture<Socket> open(URI uri, Duration connectTimeout, Inbound inbound) {
        client = inbound;
        return CompletableFuture.completedFuture(new Socket() {
            @Override
            public CompletableFuture<?> send(String text) {
                try {
                    JsonNode frame = JSON.readTree(text);
                    received.add(frame);
                    all.add(frame);
                } catch (Exception e) {
                    throw new AssertionError("the client sent something that is not JSON: " + text, e);
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<?> close() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void abort() {}
        });
    }

    /** How many frames with this action the client has sent so far. */
    long count(String action) {
        return all.stream().filter(frame -> action.equals(frame.path("action").asText())).count();
    }

    /** Sends a frame to the client. */
    void push(String frame) {
        client.onText(frame);
    }

    /** The next frame the client sent with this action, skipping others (heartbeats, acks ...). */
    JsonNode next(String action) {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                JsonNode frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame != null && action.equals(frame.path("action").asText())) {
                    return frame;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("the client sent no " + action + " within 10 s");
    }
}
