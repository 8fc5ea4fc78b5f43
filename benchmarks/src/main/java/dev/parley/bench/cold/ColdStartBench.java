// Over 400 lines on purpose: one benchmark with its rounds per handler, the primed and AppCDS
// variants and their report lines kept side by side, so that the figures compare like with like.
package dev.parley.bench.cold;

import dev.parley.bench.report.Report;
import dev.parley.bench.cold.crac.Core;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.Stats;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.dynamodb.local.TableBootstrap;
import dev.parley.functions.snapstart.SnapStartHooks;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.tables.Tables;
import dev.parley.testsupport.Fixtures;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cold starts: for each handler, fresh JVMs ({@link ColdStartDriver}) each construct the handler
 * and answer one real invocation against DynamoDB Local, which runs in this process with the
 * JWKS and {@code @connections} stand-ins of {@link ColdEndpoints}. Runs go round-robin over the
 * handlers, one JVM at a time, so that no two measured JVMs share the two cores.
 *
 * <p>The first run of each handler also repeats the invocation warm, after its first response;
 * those durations feed the GB-second part of the cost model (a local proxy for Lambda's billed
 * duration).
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
    /** The handlers whose warm durations the cost model bills; the others get a short warm run only. */
    private static final Set<String> COST_INPUTS = Set.of("authorizer", "connect", "disconnect", "send", "heartbeat",
            "fanout_direct_message", "send_group10", "fanout_group10_message");

    /**
     * One kind of invocation. {@code cold} ones produce the cold-start figures; the others only
     * measure warm durations for the cost model.
     */
    record Spec(String name, String handlerClass, String eventClass, String responseClass, String fixture,
                Map<String, String> edits, Predicate<String> answeredWell, boolean cold, List<String> jvmFlags) {

        Spec(String name, String handlerClass, String eventClass, String responseClass, String fixture,
             Map<String, String> edits, Predicate<String> answeredWell, boolean cold) {
            this(name, handlerClass, eventClass, responseClass, fixture, edits, answeredWell, cold, List.of());
        }

        Spec withJvmFlags(String newName, List<String> flags) {
            return new Spec(newName, handlerClass, eventClass, responseClass, fixture, edits, answeredWell, cold, flags);
        }
    }

    /** Warm-duration medians by spec name, for the cost model. */
    public record Result(Map<String, Double> warmMillis) {}

    /**
     * One JVM's figures: from its spawn to main, to the handler constructed (init) and to the first
     * response; the SnapStart hooks' time (primed runs) and the first invocation alone (after init,
     * or after the hooks).
     */
    private record Run(double mainMs, double initMs, double firstResponseMs, double primeMs, double firstInvokeMs,
                       double firstHandlerMs, int hooks, List<Double> warm, String response) {}

    /** Primed runs are named after their plain one with this suffix. */
    private static final String PRIMED = "_primed";

    private ColdStartBench() {}

    public static Result run(Report report, Path root, String javaCommand, int runs, int warmInvocations) throws Exception {
        Path lib = root.resolve("benchmarks/target/lib");
        Path serialization = findJar(lib, "aws-lambda-java-serialization");
        Path work = Files.createTempDirectory("parley-cold");
        Path classes = root.resolve("benchmarks/target/classes");
        String runtime = File.pathSeparator + serialization + File.pathSeparator + driverJar(classes, work);
        // The yardstick: a hello-world handler's own jar beside the two Lambda libraries it needs.
        String hello = helloJar(classes, work) + File.pathSeparator + findJar(lib, "aws-lambda-java-core")
                + File.pathSeparator + findJar(lib, "aws-lambda-java-events") + runtime;
        Path jars = root.resolve("functions/target");
        Function<Spec, String> classPaths = spec -> spec.handlerClass().equals(HelloHandler.class.getName()) ? hello
                : jars.resolve(familyOf(spec).jarName()) + runtime;

        report.comment("cold starts: " + runs + " fresh JVMs per handler (" + javaCommand + " " + String.join(" ", JVM_FLAGS)
                + "), class path = the handler's family jar as deployed (functions/target/parley-<family>.jar) + "
                + "aws-lambda-java-serialization + a driver jar (one class); time from process spawn to the handler "
                + "constructed (init) and to the first response of a real invocation against DynamoDB Local "
                + "(first_response); medians. hello: a hello-world handler of the WebSocket event in a jar of its own "
                + "(+ aws-lambda-java-core and -events), in the same rounds; cold_ratio_to_hello_<handler> = "
                + "cold_first_response_ms_<handler> / cold_first_response_ms_hello");

        try (DynamoDbLocal dynamoDbLocal = DynamoDbLocal.start(Optional.empty());
             ColdEndpoints endpoints = ColdEndpoints.start()) {
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put(Setting.JWKS_URL.name(), endpoints.jwksUrl());
            environment.put(Setting.JWT_ISSUER.name(), ColdEndpoints.ISSUER);
            environment.put(Setting.CONNECTIONS_ENDPOINT.name(), endpoints.baseUrl());
            environment.put(Setting.DYNAMODB_ENDPOINT.name(), dynamoDbLocal.endpoint().toString());
            // $connect publishes the user's presence on the presence queue (SendMessage), as on AWS.
            environment.put(Setting.SQS_ENDPOINT.name(), endpoints.sqsEndpoint());
            environment.put(Setting.PRESENCE_QUEUE_URL.name(), endpoints.presenceQueueUrl());
            // The disconnect measured is that of a user whose other devices stay online (alice's prepared
            // connections stay live for the whole run): the last device's, which schedules the offline
            // check on the presence queue, would need a queue this benchmark does not run.
            environment.put(Setting.PRESENCE_TIMEOUT_SECONDS.name(), Integer.toString(24 * 3600));
            ParleyConfig config = ParleyConfig.fromEnvironment(environment);
            DynamoDbClient dynamo = dynamoDbLocal.client();
            TableBootstrap.createMissing(dynamo, config);
            prepareData(dynamo, config);
            warmUpDynamoDbLocal(dynamo, config);

            Map<String, String> childEnvironment = new LinkedHashMap<>(environment);
            childEnvironment.put("AWS_REGION", "us-east-1");
            childEnvironment.put("AWS_ACCESS_KEY_ID", "local");
            childEnvironment.put("AWS_SECRET_ACCESS_KEY", "local");

            List<Spec> specs = new ArrayList<>(specs(endpoints.token("alice", "phone")));
            Map<String, List<Double>> warmBySpec = new LinkedHashMap<>();
            Map<String, List<Run>> runsBySpec = new LinkedHashMap<>();
            // The warm-only specs first: their invocations also warm DynamoDB Local up (a JVM too),
            // before any cold start is measured against it.
            for (Spec spec : specs) {
                if (!spec.cold()) {
                    try {
                        warmBySpec.put(spec.name(), spawn(javaCommand, classPaths.apply(spec),
                                childEnvironment, work, spec, -1, warmCount(spec, warmInvocations)).warm());
                    } catch (Exception e) {
                        report.failure("warm invocations of " + spec.name(), e);
                    }
                }
            }
            Spec send = named(specs, "send");
            appCdsSpec(report, javaCommand, classPaths.apply(send), childEnvironment, work, send)
                    .ifPresent(appCds -> specs.add(specs.indexOf(send) + 1, appCds));
            addPrimedSpecs(report, specs);
            // Round-robin over the handlers; in the first round each JVM goes on invoking warm after
            // its first response (which is measured before).
            for (int round = 0; round < runs; round++) {
                for (Spec spec : specs) {
                    if (!spec.cold()) {
                        continue;
                    }
                    try {
                        // Primed runs measure their first invocation only.
                        int warm = round == 0 && !spec.name().endsWith(PRIMED) ? warmCount(spec, warmInvocations) : 0;
                        Run run = spawn(javaCommand, spec.jvmFlags(), classPaths.apply(spec),
                                childEnvironment, work, spec, round, warm);
                        runsBySpec.computeIfAbsent(spec.name(), k -> new ArrayList<>()).add(run);
                        if (round == 0) {
                            warmBySpec.put(spec.name(), run.warm());
                        }
                    } catch (Exception e) {
                        report.failure("cold start of " + spec.name() + " (run " + (round + 1) + ")", e);
                    }
                }
            }
            if (endpoints.posts() == 0) {
                report.failure("cold start of fanout", new IllegalStateException("no @connections post was made"));
            }
            if (endpoints.presenceMessages() == 0) {
                report.failure("cold start of connect", new IllegalStateException("no presence message was sent"));
            }
            return figures(report, specs, runsBySpec, warmBySpec);
        } finally {
            try (var files = Files.list(work)) {
                files.forEach(file -> file.toFile().delete());
            }
            Files.deleteIfExists(work);
        }
    }

    /**
     * What part of a cold start class loading is: the send handler again, with an AppCDS archive
     * of the classes one training run loaded (a JDK dynamic archive), measured in the same rounds
     * as the plain one. On Lambda, SnapStart goes further: it restores a snapshot taken after init.
     */
    private static Optional<Spec> appCdsSpec(Report report, String javaCommand, String classPath,
                                             Map<String, String> environment, Path work, Spec send) {
        try {
            Path archive = work.resolve("send.jsa");
            spawn(javaCommand, List.of("-XX:ArchiveClassesAtExit=" + archive), classPath, environment, work, send,
                    -3, 5);
            if (!Files.exists(archive)) {
                throw new IllegalStateException("the training run wrote no archive");
            }
            report.comment("send_appcds: the send handler with an AppCDS archive (-XX:SharedArchiveFile, dumped by one "
                    + "training run), in the same rounds: how much of the cold start is class loading");
            return Optional.of(send.withJvmFlags("send_appcds", List.of("-XX:SharedArchiveFile=" + archive)));
        } catch (Exception e) {
            report.failure("AppCDS training run of send", e);
            return Optional.empty();
        }
    }

    /**
     * A primed twin, run in the same rounds, of every measured handler that the catalogue runs with
     * SnapStart: the JVM runs the hooks the handler registered (priming, then what a restore
     * refreshes) before its first invocation, as a restored SnapStart environment has.
     */
    private static void addPrimedSpecs(Report report, List<Spec> specs) {
        List<Spec> snapStart = specs.stream().filter(spec -> spec.cold() && spec.jvmFlags().isEmpty()
                && Catalogue.ALL.stream().anyMatch(f -> f.snapStart() && f.handlerClass().equals(spec.handlerClass())))
                .toList();
        for (Spec spec : snapStart) {
            specs.add(specs.indexOf(spec) + 1, spec.withJvmFlags(spec.name() + PRIMED,
                    List.of("-D" + ColdStartDriver.COMPAT_PROPERTY + "=" + Core.class.getPackageName())));
        }
        report.comment("<handler>" + PRIMED + ": the SnapStart functions (" + snapStart.stream().map(Spec::name)
                .collect(Collectors.joining(", ")) + ") again, in the same rounds, running the hooks they register "
                + "before their first invocation as Lambda runs them at publish and restore. "
                + "cold_first_response_after_priming_ms_<handler> is that first invocation alone; beside it "
                + "cold_first_invoke_ms_<handler> is the first invocation alone after a plain init; "
                + "cold_first_handler[_after_priming]_ms_<handler> the part of it in handleRequest (the rest is the "
                + "runtime's event and response serialization). Restoring a snapshot has a cost of its own on Lambda "
                + "that this does not measure");
    }

    private static Spec named(List<Spec> specs, String name) {
        return specs.stream().filter(spec -> spec.name().equals(name)).findFirst().orElseThrow();
    }

    private static int warmCount(Spec spec, int warmInvocations) {
        return COST_INPUTS.contains(spec.name()) ? warmInvocations : Math.min(20, warmInvocations);
    }

    /**
     * DynamoDB Local is a JVM too: left cold, its own JIT warm-up would be charged to the first
     * handlers measured. The operations the handlers use, on throwaway keys, warm it up first.
     */
    private static void warmUpDynamoDbLocal(DynamoDbClient dynamo, ParleyConfig config) {
        String messages = config.get(Setting.MESSAGES_TABLE);
        String conversations = config.get(Setting.CONVERSATIONS_TABLE);
        String connections = config.get(Setting.CONNECTIONS_TABLE);
        for (int i = 0; i < 500; i++) {
            long seq = i;
            dynamo.putItem(put -> put.tableName(messages).item(Map.of(
                    Tables.Messages.CONVERSATION_ID, AttributeValue.fromS("warmup"),
                    Tables.Messages.SEQ, AttributeValue.fromN(Long.toString(seq)),
                    Tables.Messages.ENTRY_TYPE, AttributeValue.fromS(Tables.Messages.TYPE_GAP)))
                    .conditionExpression("attribute_not_exists(#seq)")
                    .expressionAttributeNames(Map.of("#seq", Tables.Messages.SEQ)));
            dynamo.updateItem(update -> update.tableName(conversations)
                    .key(Map.of(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS("warmup"),
                            Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.META_ITEM)))
                    .updateExpression("ADD #n :one")
                    .expressionAttributeNames(Map.of("#n", "warmupCounter"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            dynamo.query(query -> query.tableName(connections).keyConditionExpression("#u = :u")
                    .expressionAttributeNames(Map.of("#u", Tables.Connections.USER_ID))
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS("alice"))).consistentRead(true));
            dynamo.getItem(get -> get.tableName(conversations)
                    .key(Map.of(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS("grp:bench10"),
                            Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.memberItem("alice")))));
        }
    }

    /** The family of the catalogue function whose handler a spec runs. */
    private static Family familyOf(Spec spec) {
        return Catalogue.ALL.stream().filter(function -> function.handlerClass().equals(spec.handlerClass()))
                .map(FunctionSpec::family).findFirst()
                .orElseThrow(() -> new IllegalStateException("no catalogue function runs " + spec.handlerClass()));
    }

    private static List<Spec> specs(String token) {
        Predicate<String> ok200 = response -> response.contains("\"statusCode\":200");
        return List.of(
                new Spec("hello", HelloHandler.class.getName(), WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-heartbeat.json", Map.of(), response -> response.contains("hello heartbeat"), true),
                new Spec("authorizer", HANDLERS + "ConnectAuthorizerHandler", EVENTS + "APIGatewayCustomAuthorizerEvent",
                        EVENTS + "IamPolicyResponseV1", "authorizer-request.json", Map.of("TOKEN", token),
                        response -> response.contains("Allow"), true),
                // A user of its own per invocation: a user may hold 10 connections, and a cold start
                // that runs into that share measures a refusal (429), not a connect.
                new Spec("connect", HANDLERS + "ConnectHandler", WEBSOCKET_EVENT, WEBSOCKET_RESPONSE,
                        "websocket-connect.json", Map.of(FIXTURE_CONNECTION_ID, "cold-@@RUN@@-" + ColdStartDriver.ITERATION,
                        "\"userId\": \"alice\"", "\"userId\": \"cold-@@RUN@@-" + ColdStartDriver.ITERATION + "\"",
                        "\"principalId\": \"alice\"", "\"principalId\": \"cold-@@RUN@@-" + ColdStartDriver.ITERATION + "\""),
                        ok200, true),
                // $disconnect takes the raw event (its close status is not in the typed class).
                new Spec("disconnect", HANDLERS + "DisconnectHandler", "java.util.Map", WEBSOCKET_RESPONSE,
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
    private static void prepareData(DynamoDbClient dynamo, ParleyConfig config) {
        String connections = config.get(Setting.CONNECTIONS_TABLE);
        putConnection(dynamo, connections, "alice", "phone", "A-phone-conn0000=");
        putConnection(dynamo, connections, "alice", "laptop", "A-laptop-conn000=");
        putConnection(dynamo, connections, "bob", "phone", "B-phone-conn0000=");
        List<String> members = new ArrayList<>(List.of("alice"));
        for (int i = 1; i < 10; i++) {
            String member = "member" + i;
            members.add(member);
            putConnection(dynamo, connections, member, "phone", "M" + i + "-phone-conn00=");
        }
        // Through the functions' own mapper, as POST /groups writes it.
        new DynamoConversationStore(dynamo, config.get(Setting.CONVERSATIONS_TABLE))
                .createGroup("grp:bench10", "bench10", "alice", members, System.currentTimeMillis());
    }

    /** A connection item as $connect writes it. */
    private static void putConnection(DynamoDbClient dynamo, String table, String userId, String deviceId,
                                      String connectionId) {
        long now = System.currentTimeMillis();
        dynamo.putItem(put -> put.tableName(table).item(Map.of(
                Tables.Connections.USER_ID, AttributeValue.fromS(userId),
                Tables.Connections.CONNECTION_ID, AttributeValue.fromS(connectionId),
                Tables.Connections.DEVICE_ID, AttributeValue.fromS(deviceId),
                Tables.Connections.CONNECTED_AT, AttributeValue.fromN(Long.toString(now)),
                Tables.Connections.LAST_ACTIVE_AT, AttributeValue.fromN(Long.toString(now)),
                Tables.Connections.EXPIRES_AT, AttributeValue.fromN(Long.toString(now / 1000 + 7800)))));
    }

    private static Run spawn(String java, String classPath, Map<String, String> environment, Path work, Spec spec,
                             int round, int warmInvocations) throws Exception {
        return spawn(java, List.of(), classPath, environment, work, spec, round, warmInvocations);
    }

    private static Run spawn(String java, List<String> extraFlags, String classPath, Map<String, String> environment,
                             Path work, Spec spec, int round, int warmInvocations) throws Exception {
        String text = Fixtures.text(spec.fixture());
        for (Map.Entry<String, String> edit : spec.edits().entrySet()) {
            if (!text.contains(edit.getKey())) {
                throw new IllegalStateException("fixture " + spec.fixture() + " has no " + edit.getKey());
            }
            text = text.replace(edit.getKey(), edit.getValue());
        }
        text = text.replace("@@RUN@@", spec.name() + (round < 0 ? "w" : Integer.toString(round)));
        Path event = work.resolve(spec.name() + "-" + round + ".json");
        Files.writeString(event, text);
        Path errors = work.resolve(spec.name() + "-" + round + ".err");

        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_FLAGS);
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", classPath, ColdStartDriver.class.getName(), spec.handlerClass(),
                spec.eventClass(), spec.responseClass()));
        ProcessBuilder builder = new ProcessBuilder();
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(environment);
        // As Lambda sets them: the functions find their catalogue entry by _HANDLER, and register their
        // SnapStart hooks only in an init that takes a snapshot (the primed runs).
        builder.environment().put("_HANDLER", spec.handlerClass() + "::handleRequest");
        builder.environment().put(SnapStartHooks.INITIALIZATION_TYPE, spec.name().endsWith(PRIMED) ? "snap-start" : "on-demand");
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
        if (spec.name().endsWith(PRIMED) && run.hooks() == 0) {
            throw new IllegalStateException("the handler registered no SnapStart hooks; stderr: " + readQuietly(errors));
        }
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
                Double.parseDouble(fields.get("firstResponseMs")), Double.parseDouble(fields.get("primeMs")),
                Double.parseDouble(fields.get("firstInvokeMs")), Double.parseDouble(fields.get("firstHandlerMs")),
                Integer.parseInt(fields.get("hooks")), warmMillis,
                fields.get("response"));
    }

    private static Result figures(Report report, List<Spec> specs, Map<String, List<Run>> runsBySpec,
                                  Map<String, List<Double>> warmBySpec) {
        List<Double> jvmStarts = new ArrayList<>();
        Map<String, Double> warm = new LinkedHashMap<>();
        for (Spec spec : specs) {
            List<Run> runs = runsBySpec.getOrDefault(spec.name(), List.of());
            if (spec.cold() && !runs.isEmpty() && spec.name().endsWith(PRIMED)) {
                String handler = spec.name().substring(0, spec.name().length() - PRIMED.length());
                report.add("cold_first_response_after_priming_ms_" + handler,
                        Stats.of(runs.stream().map(Run::firstInvokeMs).toList()).median(), "ms");
                report.add("cold_first_handler_after_priming_ms_" + handler,
                        Stats.of(runs.stream().map(Run::firstHandlerMs).toList()).median(), "ms");
                report.add("cold_priming_ms_" + handler, Stats.of(runs.stream().map(Run::primeMs).toList()).median(), "ms");
                report.comment("cold " + spec.name() + " runs (first invocation after priming, ms): " + runs.stream()
                        .map(run -> Report.format(run.firstInvokeMs())).collect(Collectors.joining(", ")));
            } else if (spec.cold() && !runs.isEmpty()) {
                Stats first = Stats.of(runs.stream().map(Run::firstResponseMs).toList());
                Stats init = Stats.of(runs.stream().map(Run::initMs).toList());
                runs.forEach(run -> jvmStarts.add(run.mainMs()));
                report.add("cold_first_response_ms_" + spec.name(), first.median(), "ms", Target.below(500, "ms"));
                List<Run> hello = runsBySpec.getOrDefault("hello", List.of());
                if (!hello.isEmpty() && !spec.name().equals("hello") && spec.jvmFlags().isEmpty()) {
                    report.add("cold_ratio_to_hello_" + spec.name(),
                            first.median() / Stats.of(hello.stream().map(Run::firstResponseMs).toList()).median(), "x",
                            Target.atMost(2.5, "x"));
                }
                report.add("cold_init_ms_" + spec.name(), init.median(), "ms");
                report.add("cold_first_invoke_ms_" + spec.name(),
                        Stats.of(runs.stream().map(Run::firstInvokeMs).toList()).median(), "ms");
                report.add("cold_first_handler_ms_" + spec.name(),
                        Stats.of(runs.stream().map(Run::firstHandlerMs).toList()).median(), "ms");
                report.comment("cold " + spec.name() + " runs (first response ms): " + runs.stream()
                        .map(run -> Report.format(run.firstResponseMs())).collect(Collectors.joining(", ")));
            }
            List<Double> warmRuns = warmBySpec.getOrDefault(spec.name(), List.of());
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

    /**
     * The driver's classes and its checkpoint coordinator in a jar of their own (class data sharing
     * accepts no directories on the class path).
     */
    private static Path driverJar(Path classes, Path work) throws IOException {
        Path jar = work.resolve("cold-start-driver.jar");
        String folder = ColdStartDriver.class.getPackageName().replace('.', '/');
        String coordinator = Core.class.getPackageName().replace('.', '/');
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, classes, folder, name -> name.startsWith(ColdStartDriver.class.getSimpleName()));
            add(out, classes, coordinator, name -> name.endsWith(".class"));
        }
        return jar;
    }

    /** The hello-world handler alone in a jar, as its own deployment would hold it. */
    private static Path helloJar(Path classes, Path work) throws IOException {
        Path jar = work.resolve("hello.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, classes, HelloHandler.class.getPackageName().replace('.', '/'),
                    name -> name.startsWith(HelloHandler.class.getSimpleName()));
        }
        return jar;
    }

    private static void add(JarOutputStream out, Path classes, String folder, Predicate<String> named) throws IOException {
        try (var files = Files.list(classes.resolve(folder))) {
            for (Path file : files.filter(f -> named.test(f.getFileName().toString())).sorted().toList()) {
                out.putNextEntry(new JarEntry(folder + "/" + file.getFileName()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
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
