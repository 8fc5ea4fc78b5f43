package dev.parley.bench.cold;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.GroupSeeder;
import dev.parley.bench.support.Stats;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.dynamodb.local.TableBootstrap;
import dev.parley.functions.service.Caller;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.wiring.HandlerSet;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cold starts: for each handler, fresh JVMs ({@link ColdStartDriver}) each construct the handler
 * and answer one real invocation against DynamoDB Local, which runs in this process with the
 * JWKS and {@code @connections} stand-ins of {@link ColdEndpoints}. Runs go round-robin over the
 * handlers, one JVM at a time, so that no two measured JVMs share the two cores.
 *
 * <p>The first run of each handler also repeats the invocation warm; those durations feed the
 * GB-second part of the cost model (a local proxy for Lambda's billed duration).
 */
public final class ColdStartBench {
    /** C1 only and the serial collector: the settings AWS recommends for Java functions that start often. */
    static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto");

    private static final String HANDLERS = "dev.parley.functions.handlers.";
    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";
    private static final String WEBSOCKET_EVENT = EVENTS + "APIGatewayV2WebSocketEvent";
    private static final String WEBSOCKET_RESPONSE = EVENTS + "APIGatewayV2WebSocketResponse";
    private static final String STREAM_EVENT = EVENTS + "DynamodbEvent";
    private static final String STREAM_RESPONSE = EVENTS + "StreamsEventResponse";
    private static final String FIXTURE_CONNECTION_ID = "TZFc-eYyIAMCJwQ=";

    /**
     * One kind of invocation. {@code cold} ones produce the cold-start figures; the others only
     * measure warm durations for the cost model.
     */
    record Spec(String name, String handlerClass, String eventClass, String responseClass, String fixture,
                Map<String, String> edits, Predicate<String> answeredWell, boolean cold) {}

    /** Warm-duration medians by spec name, for the cost model. */
    public record Result(Map<String, Double> warmMillis) {}

    private record Run(double mainMs, double initMs, double firstResponseMs, List<Double> warm, String response) {}

    private ColdStartBench() {}

    public static Result run(Report report, Path root, String java, int runs, int warmInvocations) throws Exception {
        Path functionsJar = root.resolve("functions/target/parley-functions.jar");
        Path classes = root.resolve("benchmarks/target/classes");
        Path serialization = findJar(root.resolve("benchmarks/target/lib"), "aws-lambda-java-serialization");
        String classPath = functionsJar + java.io.File.pathSeparator + serialization + java.io.File.pathSeparator + classes;
        Path work = Files.createTempDirectory("parley-cold");

        report.comment("cold starts: " + runs + " fresh JVMs per handler (" + java + " " + String.join(" ", JVM_FLAGS)
                + "), class path = the deployed functions jar + aws-lambda-java-serialization + the driver class; "
                + "time from process spawn to the handler constructed (init) and to the first response of a real "
                + "invocation against DynamoDB Local (first_response); medians");

        try (DynamoDbLocal dynamoDbLocal = DynamoDbLocal.start(Optional.empty());
             ColdEndpoints endpoints = ColdEndpoints.start()) {
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put(Setting.JWKS_URL.name(), endpoints.jwksUrl());
            environment.put(Setting.JWT_ISSUER.name(), ColdEndpoints.ISSUER);
            environment.put(Setting.CONNECTIONS_ENDPOINT.name(), endpoints.baseUrl());
            environment.put(Setting.DYNAMODB_ENDPOINT.name(), dynamoDbLocal.endpoint().toString());
            ParleyConfig config = ParleyConfig.fromEnvironment(environment);
            DynamoDbClient dynamo = dynamoDbLocal.client();
            TableBootstrap.createMissing(dynamo, config);
            prepareData(dynamo, config, endpoints);
            warmUpDynamoDbLocal(environment, dynamo, endpoints);

            Map<String, String> childEnvironment = new LinkedHashMap<>(environment);
            childEnvironment.put("AWS_REGION", "us-east-1");
            childEnvironment.put("AWS_ACCESS_KEY_ID", "local");
            childEnvironment.put("AWS_SECRET_ACCESS_KEY", "local");

            List<Spec> specs = specs(endpoints.token("alice", "phone"));
            Map<String, List<Run>> runsBySpec = new LinkedHashMap<>();
            for (int round = 0; round < runs; round++) {
                for (Spec spec : specs) {
                    if (!spec.cold() && round > 0) {
                        continue;
                    }
                    try {
                        Run run = spawn(java, classPath, childEnvironment, work, spec, round,
                                round == 0 ? warmInvocations : 0);
                        runsBySpec.computeIfAbsent(spec.name(), k -> new ArrayList<>()).add(run);
                    } catch (Exception e) {
                        report.failure("cold start of " + spec.name() + " (run " + (round + 1) + ")", e);
                    }
                }
            }
            if (endpoints.posts() == 0) {
                report.failure("cold start of fanout", new IllegalStateException("no @connections post was made"));
            }
            return figures(report, specs, runsBySpec);
        } finally {
            try (var files = Files.list(work)) {
                files.forEach(file -> file.toFile().delete());
            }
            Files.deleteIfExists(work);
        }
    }

    private static List<Spec> specs(String token) {
        Predicate<String> ok200 = response -> response.contains("\"statusCode\":200");
        return List.of(
                new Spec("authorizer", HANDLERS + "ConnectAuthorizerHandler", EVENTS + "APIGatewayCustomAuthorizerEvent",
                        EVENTS + "IamPolicyResponseV1", "authorizer-request.json", Map.of("TOKEN", token),
                        response -> response.contains("Allow"), true),
                new Spec("connect", HANDLERS + "ConnectHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-connect.json", Map.of(FIXTURE_CONNECTION_ID, "cold-@@RUN@@-" + ColdStartDriver.ITERATION),
                        ok200, true),
                new Spec("disconnect", HANDLERS + "DisconnectHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-disconnect.json",
                        Map.of(FIXTURE_CONNECTION_ID, "cold-@@RUN@@-" + ColdStartDriver.ITERATION), ok200, true),
                new Spec("send", HANDLERS + "SendHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE, "websocket-send.json",
                        Map.of("c-1", "cold-@@RUN@@-" + ColdStartDriver.ITERATION), ColdStartBench::sent, true),
                new Spec("heartbeat", HANDLERS + "HeartbeatHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-heartbeat.json", Map.of(), response -> response.contains("pong"), true),
                new Spec("default", HANDLERS + "DefaultRouteHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-default-malformed.json", Map.of(), response -> response.contains("BAD_REQUEST"), true),
                new Spec("fanout", HANDLERS + "FanoutHandler", STREAM_EVENT, STREAM_RESPONSE, "dynamodb-stream-batch.json",
                        Map.of(), ColdStartBench::noBatchFailures, true),
                // Warm durations only, for the cost model: one message per invocation.
                new Spec("fanout_direct_message", HANDLERS + "FanoutHandler", STREAM_EVENT, STREAM_RESPONSE,
                        "dynamodb-stream-direct-message.json", Map.of(), ColdStartBench::noBatchFailures, false),
                new Spec("send_group10", HANDLERS + "SendHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-send.json", Map.of("c-1", "cold-@@RUN@@-" + ColdStartDriver.ITERATION,
                        "\\\"to\\\":\\\"bob\\\"", "\\\"conversationId\\\":\\\"grp:bench10\\\""), ColdStartBench::sent, false),
                new Spec("fanout_group10_message", HANDLERS + "FanoutHandler", STREAM_EVENT, STREAM_RESPONSE,
                        "dynamodb-stream-group10-message.json", Map.of(), ColdStartBench::noBatchFailures, false));
    }

    private static boolean sent(String response) {
        return response.contains("\\\"type\\\":\\\"sent\\\"");
    }

    private static boolean noBatchFailures(String response) {
        return response.replace(" ", "").contains("\"batchItemFailures\":[]");
    }

    /**
     * Connections for the fixtures' users (alice's sending device, her laptop, bob's phone), and a
     * 10-member group grp:bench10 (alice and nine others, one device each).
     */
    private static void prepareData(DynamoDbClient dynamo, ParleyConfig config, ColdEndpoints endpoints) {
        ConnectionService connections = new Wiring(config, dynamo, () -> management(endpoints), Clock.systemUTC())
                .connectionService();
        connections.connect(new Caller("alice", "phone", "A-phone-conn0000="));
        connections.connect(new Caller("alice", "laptop", "A-laptop-conn000="));
        connections.connect(new Caller("bob", "phone", "B-phone-conn0000="));
        List<String> members = new ArrayList<>(List.of("alice"));
        for (int i = 1; i < 10; i++) {
            String member = "member" + i;
            members.add(member);
            connections.connect(new Caller(member, "phone", "M" + i + "-phone-conn00="));
        }
        GroupSeeder.seed(dynamo, config.get(Setting.CONVERSATIONS_TABLE), "grp:bench10", members);
    }

    /**
     * DynamoDB Local is a JVM too: left cold, its own JIT warm-up would be charged to the first
     * handler measured. The same operations, run in this process first, warm it up.
     */
    @SuppressWarnings("unchecked")
    private static void warmUpDynamoDbLocal(Map<String, String> environment, DynamoDbClient dynamo,
                                            ColdEndpoints endpoints) throws IOException {
        Map<String, RequestHandler<?, ?>> handlers = HandlerSet.create(environment, dynamo,
                () -> management(endpoints), Clock.systemUTC());
        var send = (RequestHandler<APIGatewayV2WebSocketEvent, ?>) handlers.get("send");
        var heartbeat = (RequestHandler<APIGatewayV2WebSocketEvent, ?>) handlers.get("heartbeat");
        var fanout = (RequestHandler<DynamodbEvent, ?>) handlers.get(HandlerSet.FANOUT);
        var websocket = LambdaEventSerializers.serializerFor(APIGatewayV2WebSocketEvent.class,
                ColdStartBench.class.getClassLoader());
        var stream = LambdaEventSerializers.serializerFor(DynamodbEvent.class, ColdStartBench.class.getClassLoader());
        String sendText = fixture("websocket-send.json");
        String heartbeatText = fixture("websocket-heartbeat.json");
        String streamText = fixture("dynamodb-stream-direct-message.json");
        for (int i = 0; i < 300; i++) {
            send.handleRequest(websocket.fromJson(sendText.replace("c-1", "warmup-" + i)), new ColdStartDriver.DriverContext());
            heartbeat.handleRequest(websocket.fromJson(heartbeatText), new ColdStartDriver.DriverContext());
            fanout.handleRequest(stream.fromJson(streamText), new ColdStartDriver.DriverContext());
        }
    }

    private static ApiGatewayManagementApiClient management(ColdEndpoints endpoints) {
        return ApiGatewayManagementApiClient.builder()
                .endpointOverride(URI.create(endpoints.baseUrl()))
                .region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static Run spawn(String java, String classPath, Map<String, String> environment, Path work, Spec spec,
                             int round, int warmInvocations) throws Exception {
        String text = fixture(spec.fixture());
        for (Map.Entry<String, String> edit : spec.edits().entrySet()) {
            if (!text.contains(edit.getKey())) {
                throw new IllegalStateException("fixture " + spec.fixture() + " has no " + edit.getKey());
            }
            text = text.replace(edit.getKey(), edit.getValue());
        }
        text = text.replace("@@RUN@@", spec.name() + round);
        Path event = work.resolve(spec.name() + "-" + round + ".json");
        Files.writeString(event, text);
        Path errors = work.resolve(spec.name() + "-" + round + ".err");

        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", classPath, ColdStartDriver.class.getName(), spec.handlerClass(),
                spec.eventClass(), spec.responseClass()));
        ProcessBuilder builder = new ProcessBuilder();
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(environment);
        builder.redirectError(errors.toFile());
        Instant spawned = Instant.now();
        command.addAll(List.of(Long.toString(spawned.getEpochSecond() * 1_000_000L + spawned.getNano() / 1_000),
                event.toString(), Integer.toString(warmInvocations)));
        Process process = builder.command(command).start();
        String out;
        try (InputStream stdout = process.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the JVM did not exit within 120 s");
        }
        String line = out.lines().filter(l -> l.startsWith("COLD ")).findFirst().orElseThrow(() ->
                new IllegalStateException("no COLD line; exit " + process.exitValue() + "; stdout: " + out
                        + "; stderr: " + readQuietly(errors)));
        Run run = parse(line);
        if (!spec.answeredWell().test(run.response())) {
            throw new IllegalStateException("unexpected response " + run.response() + "; stderr: " + readQuietly(errors));
        }
        return run;
    }

    private static Run parse(String line) {
        Map<String, String> fields = new HashMap<>();
        String rest = line.substring("COLD ".length());
        int response = rest.indexOf(" response=");
        fields.put("response", rest.substring(response + " response=".length()));
        for (String token : rest.substring(0, response).split(" ")) {
            int eq = token.indexOf('=');
            fields.put(token.substring(0, eq), token.substring(eq + 1));
        }
        String warm = fields.get("warm");
        List<Double> warmMillis = warm.isEmpty() ? List.of()
                : java.util.Arrays.stream(warm.split(",")).map(Double::valueOf).collect(Collectors.toList());
        return new Run(Double.parseDouble(fields.get("mainMs")), Double.parseDouble(fields.get("initMs")),
                Double.parseDouble(fields.get("firstResponseMs")), warmMillis, fields.get("response"));
    }

    private static Result figures(Report report, List<Spec> specs, Map<String, List<Run>> runsBySpec) {
        List<Double> jvmStarts = new ArrayList<>();
        Map<String, Double> warm = new LinkedHashMap<>();
        for (Spec spec : specs) {
            List<Run> runs = runsBySpec.getOrDefault(spec.name(), List.of());
            if (runs.isEmpty()) {
                continue;
            }
            if (spec.cold()) {
                Stats first = Stats.of(runs.stream().map(Run::firstResponseMs).toList());
                Stats init = Stats.of(runs.stream().map(Run::initMs).toList());
                runs.forEach(run -> jvmStarts.add(run.mainMs()));
                report.add("cold_first_response_ms_" + spec.name(), first.median(), "ms", Target.below(500, "ms"));
                report.add("cold_init_ms_" + spec.name(), init.median(), "ms");
                report.comment("cold " + spec.name() + " runs (first response ms): " + runs.stream()
                        .map(run -> Report.format(run.firstResponseMs())).collect(Collectors.joining(", ")));
            }
            List<Double> warmRuns = runs.get(0).warm();
            if (!warmRuns.isEmpty()) {
                // The second half: the JIT (C1) has compiled the hot path by then, as in a busy container.
                Stats steady = Stats.of(warmRuns.subList(warmRuns.size() / 2, warmRuns.size()));
                warm.put(spec.name(), steady.median());
                report.add("warm_invoke_ms_" + spec.name(), steady.median(), "ms");
            }
        }
        if (!jvmStarts.isEmpty()) {
            report.add("cold_jvm_start_ms", Stats.of(jvmStarts).median(), "ms");
        }
        return new Result(warm);
    }

    static String fixture(String name) {
        try (InputStream in = ColdStartBench.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findJar(Path folder, String prefix) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + " jar in " + folder));
        }
    }

    private static String readQuietly(Path file) {
        try {
            String text = Files.readString(file);
            return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
        } catch (IOException e) {
            return "(unreadable)";
        }
    }
}
