package dev.parley.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.sun.net.httpserver.HttpServer;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.dynamodb.local.TableBootstrap;
import dev.parley.local.auth.LocalIssuer;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.testsupport.Fixtures;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function families' jars (functions/target/parley-&lt;family&gt;.jar) as Lambda runs them: each
 * alone on the class path of a fresh JVM, beside only what the Lambda Java runtime brings (its event
 * serialization) and {@link LambdaInit}. A handler whose jar lacks a class it loads fails here as it
 * would fail its first cold start on AWS. docs/architecture.md, "Packaging".
 */
class FamilyJarsTest {
    private static final Path JARS = Path.of("..", "functions", "target").toAbsolutePath().normalize();
    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";
    private static final String SDK = "software/amazon/awssdk/";

    private static DynamoDbLocal dynamoDbLocal;
    private static HttpServer endpoints;
    private static LocalIssuer issuer;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws IOException {
        dynamoDbLocal = DynamoDbLocal.start(Optional.empty());
        TableBootstrap.createMissing(dynamoDbLocal.client(), ParleyConfig.fromEnvironment(Map.of()));
        issuer = LocalIssuer.create(Optional.empty());
        // The JWKS the authorizer fetches, and an @connections API that takes every post.
        endpoints = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        endpoints.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                byte[] jwks = issuer.jwks().getBytes(StandardCharsets.UTF_8);
                if (exchange.getRequestURI().getPath().equals("/jwks.json")) {
                    exchange.sendResponseHeaders(200, jwks.length);
                    exchange.getResponseBody().write(jwks);
                } else {
                    exchange.sendResponseHeaders(200, -1);
                }
            }
        });
        endpoints.start();
    }

    @AfterAll
    static void stop() {
        if (endpoints != null) {
            endpoints.stop(0);
        }
        if (dynamoDbLocal != null) {
            dynamoDbLocal.close();
        }
    }

    @Test
    void eachFamilysJarHoldsTheSdkClientsOfItsServicesAndNoOther() throws IOException {
        for (Family family : families()) {
            List<String> entries = entries(family);
            for (Family.Service service : Family.Service.values()) {
                assertThat(entries.stream().anyMatch(entry -> entry.startsWith(service.jarFolder())))
                        .as("%s holds the %s client", family.jarName(), service).isEqualTo(family.has(service));
            }
        }
    }

    @Test
    void theAuthorizersJarHoldsNoAwsSdkAndItsHandlerAllowsAGoodTokenFromThatJarAlone() throws Exception {
        assertThat(entries(Family.AUTHORIZER)).noneMatch(entry -> entry.startsWith(SDK));
        Path event = event("authorizer.json", Fixtures.text("authorizer-request.json")
                .replace("TOKEN", issuer.token("alice", "phone", LocalIssuer.DEFAULT_TTL)));

        List<String> out = run(Family.AUTHORIZER, List.of(
                "construct=" + Catalogue.CONNECT_AUTHORIZER.handlerClass(),
                invoke(Catalogue.CONNECT_AUTHORIZER, "APIGatewayCustomAuthorizerEvent", "IamPolicyResponseV1", event)));

        assertThat(response(out, Catalogue.CONNECT_AUTHORIZER)).contains("\"Allow\"").contains("\"principalId\":\"alice\"");
    }

    @Test
    void everyHandlerIsBuiltByLambdasNoArgumentConstructorFromItsFamilysJarAlone() throws Exception {
        for (Family family : families()) {
            List<String> constructs = Catalogue.ALL.stream().filter(spec -> spec.family() == family)
                    .map(spec -> "construct=" + spec.handlerClass()).toList();

            List<String> out = run(family, constructs);

            assertThat(out).as(family.jarName()).containsAll(constructs.stream()
                    .map(construct -> "CONSTRUCTED " + construct.substring("construct=".length())).toList());
        }
    }

    /**
     * The jars hold the SDK's model classes of the operations the functions call only (the build
     * drops the others, functions/src/build/TrimSdkModels.java): every class of the SDK's service
     * code left in a jar (clients, interceptors, endpoint rules, the presigner) still loads, verifies
     * and initializes from that jar alone, as on its first use in a function.
     */
    @Test
    void everySdkServiceClassOfEachJarLinksFromThatJarAlone() throws Exception {
        for (Family family : families()) {
            List<String> links = entries(family).stream()
                    .filter(entry -> entry.matches("software/amazon/awssdk/services/[^/]+/.+\\.class")
                            && !entry.matches("software/amazon/awssdk/services/[^/]+/(model|transform|paginators)/.+")
                            && !entry.contains("package-info")
                            // DynamoDB's and SQS's asynchronous clients are left out (no function builds
                            // one): what extends them cannot load, and nothing synchronous names it.
                            && !(entry.contains("Async") && !entry.contains("/s3/"))
                            // Classes for the optional AWS CRT library, which no jar holds.
                            && !entry.contains("/crt/"))
                    .map(entry -> "link=" + entry.substring(0, entry.length() - ".class".length()).replace('/', '.'))
                    .toList();

            List<String> out = run(family, links);

            assertThat(out.stream().filter(line -> line.startsWith("LINKED ")).count()).as(family.jarName())
                    .isEqualTo(links.size());
        }
    }

    /** A DynamoDB round trip through each SDK family's jar: what a class left out of the SDK would break. */
    @Test
    void aSendAHeartbeatAndAStreamBatchAreServedFromTheirFamiliesJarsAlone() throws Exception {
        Path send = event("send.json", Fixtures.text("websocket-send.json").replace("c-1", "family-jar-send"));
        Path heartbeat = event("heartbeat.json", Fixtures.text("websocket-heartbeat.json"));
        Path stream = event("stream.json", Fixtures.text("dynamodb-stream-batch.json"));

        String sent = response(run(Catalogue.SEND.family(), List.of("construct=" + Catalogue.SEND.handlerClass(),
                invoke(Catalogue.SEND, "APIGatewayV2WebSocketEvent", "APIGatewayV2WebSocketResponse", send))), Catalogue.SEND);
        String pong = response(run(Catalogue.HEARTBEAT.family(), List.of("construct=" + Catalogue.HEARTBEAT.handlerClass(),
                invoke(Catalogue.HEARTBEAT, "APIGatewayV2WebSocketEvent", "APIGatewayV2WebSocketResponse", heartbeat))),
                Catalogue.HEARTBEAT);
        String batch = response(run(Catalogue.FANOUT.family(), List.of("construct=" + Catalogue.FANOUT.handlerClass(),
                invoke(Catalogue.FANOUT, "DynamodbEvent", "StreamsEventResponse", stream))), Catalogue.FANOUT);

        assertThat(sent).contains("\\\"type\\\":\\\"sent\\\"");
        assertThat(pong).contains("pong");
        assertThat(batch.replace(" ", "")).contains("\"batchItemFailures\":[]");
    }

    /**
     * The SDK families' other event types and clients, each from its jar alone: a presigned upload
     * (S3's presigner with the endpoint rules of a real region, no override), an S3 notification
     * (the runtime reads its event time with joda-time), a presence check off the SQS queue.
     */
    @Test
    void anUploadItsS3NotificationAndAPresenceCheckAreServedFromTheirFamiliesJarsAlone() throws Exception {
        String conversationId = ConversationId.direct("alice", "bob");
        Path send = event("attach-send.json", Fixtures.text("websocket-send.json").replace("c-1", "family-jar-attach"));
        Path upload = event("upload.json", """
                {"version": "2.0", "routeKey": "POST /attachments", "rawPath": "/attachments",
                 "requestContext": {"requestId": "family-jar-upload", "routeKey": "POST /attachments",
                   "authorizer": {"jwt": {"claims": {"sub": "alice"}, "scopes": null}}},
                 "body": "{\\"conversationId\\":\\"CONVERSATION\\",\\"contentType\\":\\"image/png\\",\\"size\\":100,\\"fileName\\":\\"cat.png\\"}",
                 "isBase64Encoded": false}
                """.replace("CONVERSATION", conversationId));
        Path notification = event("s3.json", """
                {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
                  "eventTime": "2026-12-02T08:00:00.123Z", "eventName": "ObjectCreated:Put",
                  "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                  "responseElements": {"x-amz-request-id": "R", "x-amz-id-2": "I"},
                  "s3": {"s3SchemaVersion": "1.0", "configurationId": "uploads",
                    "bucket": {"name": "parley-attachments", "ownerIdentity": {"principalId": "A"}, "arn": "arn:aws:s3:::parley-attachments"},
                    "object": {"key": "uploads/UPLOAD", "size": 100, "eTag": "e", "sequencer": "0A"}}}]}
                """.replace("UPLOAD", java.util.UUID.randomUUID().toString()));
        Path check = event("presence-check.json", """
                {"Records": [{"messageId": "m-1", "receiptHandle": "h", "body": "bob", "attributes": {},
                  "messageAttributes": {}, "md5OfBody": "x", "eventSource": "aws:sqs",
                  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:presence", "awsRegion": "us-east-1"}]}
                """);

        List<String> attachments = run(Catalogue.ATTACHMENTS.family(), List.of(
                "construct=" + Catalogue.SEND.handlerClass(),
                "construct=" + Catalogue.ATTACHMENTS.handlerClass(),
                "construct=" + Catalogue.THUMBNAILS.handlerClass(),
                invoke(Catalogue.SEND, "APIGatewayV2WebSocketEvent", "APIGatewayV2WebSocketResponse", send),
                invoke(Catalogue.ATTACHMENTS, "APIGatewayV2HTTPEvent", "APIGatewayV2HTTPResponse", upload),
                "invoke=" + Catalogue.THUMBNAILS.handlerClass() + "," + EVENTS + "S3Event,java.lang.Void," + notification));
        String checked = response(run(Catalogue.PRESENCE_CHECK.family(), List.of(
                "construct=" + Catalogue.PRESENCE_CHECK.handlerClass(),
                invoke(Catalogue.PRESENCE_CHECK, "SQSEvent", "SQSBatchResponse", check))), Catalogue.PRESENCE_CHECK);

        assertThat(response(attachments, Catalogue.ATTACHMENTS)).contains("\"statusCode\":201")
                .containsPattern("https://parley-attachments\\.s3\\.[a-z0-9.-]*amazonaws\\.com/uploads/")
                .contains("X-Amz-Signature");
        assertThat(response(attachments, Catalogue.THUMBNAILS)).isEqualTo("null");
        assertThat(attachments).anyMatch(line -> line.contains("\"outcome\":\"no-record\""));
        assertThat(checked.replace(" ", "")).contains("\"batchItemFailures\":[]");
    }

    private static List<Family> families() {
        return Catalogue.ALL.stream().map(FunctionSpec::family).distinct().toList();
    }

    private static List<String> entries(Family family) throws IOException {
        try (ZipFile zip = new ZipFile(JARS.resolve(family.jarName()).toFile())) {
            return Collections.list(zip.entries()).stream().map(entry -> entry.getName()).toList();
        }
    }

    private static String invoke(FunctionSpec spec, String event, String response, Path eventFile) {
        return "invoke=" + spec.handlerClass() + "," + EVENTS + event + "," + EVENTS + response + "," + eventFile;
    }

    private static Path event(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text);
    }

    private static String response(List<String> out, FunctionSpec spec) {
        String prefix = "INVOKED " + spec.handlerClass() + " ";
        return out.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError(spec.id() + " answered nothing: " + out));
    }

    /** A fresh JVM on the family's jar, the runtime's serialization and {@link LambdaInit}; its output lines. */
    private static List<String> run(Family family, List<String> steps) throws Exception {
        Path jar = JARS.resolve(family.jarName());
        assertThat(jar).as("built by mvn package -pl functions").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, jar.toString(), codeOf(PojoSerializer.class).toString(),
                        initFolder().toString()),
                LambdaInit.class.getName()));
        command.addAll(steps);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(environment(family, steps));
        Process process = builder.start();
        String out;
        try (InputStream stdout = process.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s exited", family.jarName()).isTrue();
        assertThat(process.exitValue()).as("%s: %s", family.jarName(), out).isZero();
        return out.lines().toList();
    }

    /** What Lambda and the stack give every function: the settings, a region, credentials, {@code _HANDLER}. */
    private static Map<String, String> environment(Family family, List<String> steps) {
        Map<String, String> environment = new LinkedHashMap<>();
        String base = "http://127.0.0.1:" + endpoints.getAddress().getPort();
        environment.put(Setting.JWKS_URL.name(), base + "/jwks.json");
        environment.put(Setting.JWT_ISSUER.name(), LocalIssuer.ISSUER);
        environment.put(Setting.CONNECTIONS_ENDPOINT.name(), base);
        environment.put(Setting.PRESENCE_QUEUE_URL.name(), base + "/queue/presence");
        environment.put(Setting.DYNAMODB_ENDPOINT.name(), dynamoDbLocal.endpoint().toString());
        environment.put("AWS_REGION", "us-east-1");
        environment.put("TZ", ":UTC");
        environment.put("AWS_ACCESS_KEY_ID", "local");
        environment.put("AWS_SECRET_ACCESS_KEY", "local");
        // The first handler's: Lambda sets it, and the SnapStart hooks are registered by it in an init
        // that takes a snapshot, which Lambda names in AWS_LAMBDA_INITIALIZATION_TYPE.
        steps.stream().filter(step -> step.startsWith("construct=")).findFirst().ifPresent(step -> {
            String handler = step.substring("construct=".length());
            environment.put("_HANDLER", handler + "::handleRequest");
            environment.put("AWS_LAMBDA_INITIALIZATION_TYPE", Catalogue.ALL.stream()
                    .anyMatch(spec -> spec.snapStart() && spec.handlerClass().equals(handler)) ? "snap-start" : "on-demand");
        });
        return environment;
    }

    /** A folder holding LambdaInit's class file alone (the test classes hold far more). */
    private static Path initFolder() throws IOException, URISyntaxException {
        Path folder = work.resolve("init");
        String file = LambdaInit.class.getName().replace('.', '/') + ".class";
        Path target = folder.resolve(file);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Files.copy(codeOf(LambdaInit.class).resolve(file), target);
        }
        return folder;
    }

    private static Path codeOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
