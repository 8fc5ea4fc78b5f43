package dev.parley.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Real service payloads (API Gateway WebSocket events, the authorizer request, DynamoDB Streams
 * batches), kept once under {@code events/} for the functions' tests and the cold-start benchmark.
 */
public final class Fixtures {
    private Fixtures() {}

    /** The text of {@code events/<name>}. */
    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
