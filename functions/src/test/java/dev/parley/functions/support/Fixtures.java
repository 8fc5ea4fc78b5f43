package dev.parley.functions.support;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Real service payloads from src/test/resources/events, read with the serializers the Lambda
 * Java runtime uses, so the handlers see exactly what Lambda would hand them.
 */
public final class Fixtures {
    private Fixtures() {}

    public static <T> T event(String name, Class<T> type) {
        return event(name, type, text -> text);
    }

    /** Loads the fixture after editing its text (e.g. to put a fresh token in). */
    public static <T> T event(String name, Class<T> type, java.util.function.UnaryOperator<String> edit) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            String text = edit.apply(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return LambdaEventSerializers.serializerFor(type, Fixtures.class.getClassLoader())
                    .fromJson(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
