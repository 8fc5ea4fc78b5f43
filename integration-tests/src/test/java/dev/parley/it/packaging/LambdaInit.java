package dev.parley.it.packaging;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of a JVM whose class path is one family's jar, aws-lambda-java-serialization (what
 * the Lambda Java runtime reads events with) and this class alone. It does what a Lambda container
 * does: builds handlers through their no-argument constructors, then invokes some with recorded
 * events. Prints {@code CONSTRUCTED <class>} or {@code INVOKED <class> <response json>} per step, and
 * exits with a stack trace on the first failure (a class the jar lacks among them).
 *
 * <p>Arguments: {@code construct=<handler class>},
 * {@code invoke=<handler class>,<event class>,<response class>,<event file>} or {@code link=<class>}
 * (loads, verifies and initializes a class: what its first use would, so that a class its code names
 * and the jar lacks fails here), in order. Prints {@code LINKED <class>} for the last. The handler of
 * an invocation must have been constructed before. Uses nothing but the JDK and those two jars.
 */
public final class LambdaInit {
    private LambdaInit() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        java.util.Map<String, RequestHandler<Object, Object>> handlers = new java.util.HashMap<>();
        for (String arg : args) {
            if (arg.startsWith("construct=")) {
                String name = arg.substring("construct=".length());
                handlers.put(name, (RequestHandler<Object, Object>) Class.forName(name).getConstructor().newInstance());
                System.out.println("CONSTRUCTED " + name);
            } else if (arg.startsWith("invoke=")) {
                String[] parts = arg.substring("invoke=".length()).split(",");
                Class<?> eventClass = Class.forName(parts[1]);
                Class<?> responseClass = Class.forName(parts[2]);
                PojoSerializer in = serializer(eventClass);
                Object event = in.fromJson(Files.readString(Path.of(parts[3])));
                Object response = handlers.get(parts[0]).handleRequest(event, null);
                ByteArrayOutputStream json = new ByteArrayOutputStream();
                PojoSerializer out = serializer(responseClass);
                out.toJson(response, json);
                System.out.println("INVOKED " + parts[0] + " " + json.toString(StandardCharsets.UTF_8).replace('\n', ' '));
            } else if (arg.startsWith("link=")) {
                String name = arg.substring("link=".length());
                Class.forName(name, true, LambdaInit.class.getClassLoader());
                System.out.println("LINKED " + name);
            } else {
                throw new IllegalArgumentException(arg);
            }
        }
        System.out.flush();
        // The SDK's HTTP client and the posting pool may hold non-daemon threads.
        System.exit(0);
    }

    /** As the Lambda runtime chooses: the event serializer for the events it supports, plain Jackson otherwise. */
    private static PojoSerializer<?> serializer(Class<?> type) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            return LambdaEventSerializers.serializerFor(type, LambdaInit.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }
}
