package dev.parley.functions.support;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;

/**
 * Real service payloads (test-support's events/*.json), read with the serializers the Lambda
 * Java runtime uses, so the handlers see exactly what Lambda would hand them.
 */
public final class Fixtures {
    private Fixtures() {}

    public static <T> T event(String name, Class<T> type) {
        return event(name, type, text -> text);
    }

    /** Loads the fixture after editing its text (e.g. to put a fresh token in). */
    public static <T> T event(String name, Class<T> type, java.util.function.UnaryOperator<String> edit) {
        String text = edit.apply(dev.parley.testsupport.Fixtures.text(name));
        return LambdaEventSerializers.serializerFor(type, Fixtures.class.getClassLoader()).fromJson(text);
    }
}
