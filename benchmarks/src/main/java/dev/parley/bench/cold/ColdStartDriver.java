package dev.parley.bench.cold;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.parley.bench.cold.crac.Core;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * The main class of one cold start: a fresh JVM whose class path holds only the deployed functions
 * jar, aws-lambda-java-serialization (what the Lambda Java runtime reads events with) and this
 * class. It does what a Lambda container does on its first request, and reports when:
 * <ol>
 *   <li>init: load the handler class and run its no-argument constructor (clients built from
 *       the environment, as on Lambda);</li>
 *   <li>first response: deserialize the event, {@code handleRequest} against DynamoDB Local,
 *       serialize the response.</li>
 * </ol>
 * Times are measured from the moment the parent spawned this process (passed as an argument), so
 * JVM start-up is included, as it is in Lambda's Init Duration. Then, optionally, it repeats the
 * invocation to measure warm durations (the GB-second proxy of the cost model).
 *
 * <p>With {@code -Dorg.crac.Core.Compat=dev.parley.bench.cold.crac} (the primed runs), the SnapStart
 * hooks the handler registered at init run between init and the first invocation, as Lambda runs them
 * when it publishes a version (priming) and when it restores one; {@code firstInvokeMs} is then the
 * first invocation after priming, and {@code firstHandlerMs} the part of it spent in {@code handleRequest}
 * (the rest is the runtime's reading of the event and writing of the response, which the function's
 * hooks cannot reach).
 *
 * <p>Arguments: handler class, event class, response class, spawn time (epoch microseconds), event
 * file, warm invocations. Occurrences of {@value #ITERATION} in the event text are replaced by the
 * invocation number, so that each send has a clientMsgId of its own. Prints one line:
 * {@code COLD mainMs=.. initMs=.. firstResponseMs=.. primeMs=.. firstInvokeMs=.. firstHandlerMs=.. hooks=.. warm=<ms,ms,...>
 * response=<json>}.
 *
 * <p>This class must not use anything beyond the JDK, those two jars and the checkpoint coordinator
 * of {@link dev.parley.bench.cold.crac}.
 */
public final class ColdStartDriver {
    static final String ITERATION = "@@N@@";
    /** The system property through which {@code org.crac} binds to a checkpoint implementation. */
    static final String COMPAT_PROPERTY = "org.crac.Core.Compat";

    /** How long the last {@code handleRequest} took alone, without the event's (de)serialization. */
    private static long lastHandlerNanos;

    private ColdStartDriver() {}

    public static void main(String[] args) throws Exception {
        long mainAt = nowMicros();
        String handlerClass = args[0];
        Class<?> eventClass = Class.forName(args[1]);
        Class<?> responseClass = Class.forName(args[2]);
        long spawnedAt = Long.parseLong(args[3]);
        String eventText = new String(Files.readAllBytes(Path.of(args[4])), StandardCharsets.UTF_8);
        int warmInvocations = Integer.parseInt(args[5]);

        @SuppressWarnings("unchecked")
        RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) Class.forName(handlerClass)
                .getDeclaredConstructor().newInstance();
        long initAt = nowMicros();
        // With the checkpoint coordinator named (the primed runs), the hooks the handler registered
        // run as on a SnapStart publish and restore, before the first invocation.
        long readyAt = initAt;
        int hooks = 0;
        if (System.getProperty(COMPAT_PROPERTY) != null) {
            Core.checkpointRestore();
            hooks = Core.registered();
            readyAt = nowMicros();
        }

        String response = invoke(handler, eventClass, responseClass, eventText.replace(ITERATION, "0"));
        long respondedAt = nowMicros();
        double firstHandlerMs = lastHandlerNanos / 1_000_000.0;

        double[] warm = new double[warmInvocations];
        for (int i = 0; i < warmInvocations; i++) {
            String text = eventText.replace(ITERATION, Integer.toString(i + 1));
            long start = System.nanoTime();
            invoke(handler, eventClass, responseClass, text);
            warm[i] = (System.nanoTime() - start) / 1_000_000.0;
        }

        StringBuilder line = new StringBuilder("COLD")
                .append(" mainMs=").append((mainAt - spawnedAt) / 1000.0)
                .append(" initMs=").append((initAt - spawnedAt) / 1000.0)
                .append(" firstResponseMs=").append((respondedAt - spawnedAt) / 1000.0)
                .append(" primeMs=").append((readyAt - initAt) / 1000.0)
                .append(" firstInvokeMs=").append((respondedAt - readyAt) / 1000.0)
                .append(" firstHandlerMs=").append(firstHandlerMs)
                .append(" hooks=").append(hooks)
                .append(" warm=");
        for (int i = 0; i < warm.length; i++) {
            line.append(i == 0 ? "" : ",").append(warm[i]);
        }
        line.append(" response=").append(response.replace('\n', ' '));
        System.out.println(line);
        System.out.flush();
        // The SDK's HTTP client and the fan-out pool hold non-daemon threads on some JDKs.
        System.exit(0);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String invoke(RequestHandler<Object, Object> handler, Class<?> eventClass, Class<?> responseClass,
                                 String eventText) {
        PojoSerializer in = serializer(eventClass);
        Object event = in.fromJson(eventText);
        long started = System.nanoTime();
        Object response = handler.handleRequest(event, new DriverContext());
        lastHandlerNanos = System.nanoTime() - started;
        if (response == null) {
            return "null";
        }
        PojoSerializer out = serializer(responseClass);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        out.toJson(response, json);
        return json.toString(StandardCharsets.UTF_8);
    }

    /**
     * The serializer the Lambda Java runtime picks (its EventHandlerLoader): the event-specific one
     * for the events it lists as supported (DynamodbEvent among them, which loads
     * {@code org.joda.time.DateTime} from the function's class path), plain Jackson for the others
     * (the API Gateway WebSocket and authorizer events, and every response type here).
     */
    private static PojoSerializer<?> serializer(Class<?> type) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            return LambdaEventSerializers.serializerFor(type, ColdStartDriver.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The parts of Lambda's context a handler may read. */
    static final class DriverContext implements Context {
        @Override
        public String getAwsRequestId() {
            return "cold-start";
        }

        @Override
        public String getLogGroupName() {
            return "cold-start";
        }

        @Override
        public String getLogStreamName() {
            return "cold-start";
        }

        @Override
        public String getFunctionName() {
            return "cold-start";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:cold-start";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 10_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.println(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.println(Arrays.toString(message));
                }
            };
        }
    }
}
