package dev.parley.it.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parley.local.http.DevApi;
import dev.parley.local.http.HttpApi;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/asyncapi.yaml} and {@code docs/openapi.yaml} from drifting away from the code.
 * What the code knows is read from the code itself, never from a list kept here: the client
 * actions {@link FrameCodec#decode} accepts (one per {@link ClientCommand} subclass), the wire
 * {@code type} of every {@link ServerFrame} subclass (a sample of each, encoded), every
 * {@link ErrorCode}, and the local runtime's HTTP route table ({@link HttpApi#ROUTES}). The
 * WebSocket side is checked both ways; the HTTP side one way (code to document), since the
 * document may describe routes whose handlers are still being built.
 */
class ApiDocumentsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private static JsonNode asyncapi;
    private static JsonNode openapi;

    @BeforeAll
    static void readDocuments() throws IOException {
        Path docs = docsDirectory();
        asyncapi = YAML.readTree(docs.resolve("asyncapi.yaml").toFile());
        openapi = YAML.readTree(docs.resolve("openapi.yaml").toFile());
    }

    // ------------------------------------------------------------------ structure

    @Test
    void theAsyncApiDocumentIsAsyncApi300WithItsInfo() {
        assertThat(asyncapi.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertInfo(asyncapi, "asyncapi.yaml");
        assertThat(asyncapi.path("channels").size()).as("asyncapi.yaml channels").isPositive();
        assertThat(asyncapi.path("operations").size()).as("asyncapi.yaml operations").isPositive();
        asyncapi.path("servers").fields().forEachRemaining(server -> assertThat(server.getValue().path("host").asText()
                + server.getValue().path("protocol").asText()).as("server " + server.getKey() + " host and protocol")
                .isNotBlank());
    }

    @Test
    void everyAsyncApiOperationSendsOrReceivesMessagesOfItsOwnChannel() {
        asyncapi.path("operations").fields().forEachRemaining(entry -> {
            String name = "operation " + entry.getKey();
            JsonNode operation = entry.getValue();
            assertThat(operation.path("action").asText()).as(name + " action").isIn("send", "receive");
            String channel = operation.path("channel").path("$ref").asText();
            assertThat(channel).as(name + " channel").startsWith("#/channels/");
            assertThat(resolve(asyncapi, channel)).as(name + " channel " + channel).isNotNull();
            assertThat(operation.path("messages").size()).as(name + " messages").isPositive();
            for (JsonNode message : operation.path("messages")) {
                assertThat(message.path("$ref").asText()).as(name + " message").startsWith(channel + "/messages/");
            }
            JsonNode reply = operation.path("reply");
            if (!reply.isMissingNode()) {
                String replyChannel = reply.path("channel").path("$ref").asText();
                for (JsonNode message : reply.path("messages")) {
                    assertThat(message.path("$ref").asText()).as(name + " reply message")
                            .startsWith(replyChannel + "/messages/");
                }
            }
        });
    }

    @Test
    void theOpenApiDocumentIsOpenApi31WithItsInfo() {
        assertThat(openapi.path("openapi").asText()).matches("3\\.1\\.\\d+");
        assertInfo(openapi, "openapi.yaml");
        assertThat(openapi.path("paths").size()).as("openapi.yaml paths").isPositive();
    }

    @Test
    void everyOpenApiOperationHasResponsesAndDeclaresItsPathParameters() {
        openapi.path("paths").fields().forEachRemaining(path -> {
            Set<String> templated = new TreeSet<>();
            Matcher matcher = PATH_PARAMETER.matcher(path.getKey());
            while (matcher.find()) {
                templated.add(matcher.group(1));
            }
            Set<String> pathLevel = pathParameters(path.getValue().path("parameters"));
            path.getValue().fields().forEachRemaining(member -> {
                if (!HTTP_METHODS.contains(member.getKey())) {
                    return;
                }
                String name = member.getKey().toUpperCase() + " " + path.getKey();
                assertThat(member.getValue().path("responses").size()).as(name + " responses").isPositive();
                Set<String> declared = new TreeSet<>(pathLevel);
                declared.addAll(pathParameters(member.getValue().path("parameters")));
                assertThat(declared).as(name + " path parameters").isEqualTo(templated);
            });
        });
    }

    @Test
    void everyReferenceInBothDocumentsResolves() {
        for (JsonNode document : List.of(asyncapi, openapi)) {
            List<String> dangling = new ArrayList<>();
            collectRefs(document, dangling, document);
            assertThat(dangling).as("$refs that point nowhere").isEmpty();
        }
    }

    @Test
    void theLocalOnlyHttpPathsAreMarkedAsSuch() {
        openapi.path("paths").fields().forEachRemaining(path -> {
            if (!path.getKey().startsWith("/dev/")) {
                return;
            }
            path.getValue().fields().forEachRemaining(member -> {
                if (HTTP_METHODS.contains(member.getKey())) {
                    assertThat(member.getValue().path("x-parley-local-only").asBoolean())
                            .as(member.getKey() + " " + path.getKey() + " x-parley-local-only").isTrue();
                    assertThat(member.getValue().path("tags").toString()).contains("local-only");
                }
            });
        });
    }

    // ------------------------------------------------------------------ WebSocket: code <-> document

    @Test
    void everyClientActionTheCodecAcceptsIsDocumentedAndNoOtherIs() {
        Set<String> known = clientActionsTheCodeKnows();
        Set<String> documented = documentedConstants("receive", "action");
        assertThat(documented).as("client actions in asyncapi.yaml (operations with action: receive)")
                .containsAll(known);
        for (String action : documented) {
            assertThat(acceptedByTheCodec(action)).as("documented action '" + action + "' accepted by FrameCodec")
                    .isTrue();
        }
    }

    @Test
    void everyServerFrameTypeIsDocumentedAndNoOtherIs() {
        Set<String> known = serverFrameTypesTheCodeKnows();
        Set<String> documented = documentedConstants("send", "type");
        assertThat(documented).as("server frame types in asyncapi.yaml (sent, or replied)").isEqualTo(known);
    }

    @Test
    void everyErrorCodeIsDocumentedInBothDocumentsAndNoOtherIs() {
        Set<String> known = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        JsonNode asyncCodes = resolve(asyncapi, "#/components/schemas/ErrorCode/enum");
        JsonNode httpCodes = resolve(openapi, "#/components/schemas/ErrorCode/enum");
        assertThat(asyncCodes).as("asyncapi.yaml components/schemas/ErrorCode/enum").isNotNull();
        assertThat(httpCodes).as("openapi.yaml components/schemas/ErrorCode/enum").isNotNull();
        assertThat(texts(asyncCodes)).as("error codes in asyncapi.yaml").isEqualTo(known);
        assertThat(texts(httpCodes)).as("error codes in openapi.yaml").isEqualTo(known);
    }

    // ------------------------------------------------------------------ HTTP: code -> document

    @Test
    void everyHttpRouteOfTheRuntimeIsDocumented() {
        Set<String> documented = documentedRoutes();
        assertThat(documented).as("routes in openapi.yaml").containsAll(normalized(HttpApi.ROUTES));
    }

    /** The local-only routes ({@link DevApi#ROUTES}); a renamed table fails the build here, never skips. */
    @Test
    void everyLocalOnlyRouteOfTheRuntimeIsDocumented() {
        assertThat(DevApi.ROUTES).as("DevApi.ROUTES").isNotEmpty();
        assertThat(documentedRoutes()).as("local-only routes in openapi.yaml").containsAll(normalized(DevApi.ROUTES));
    }

    // ------------------------------------------------------------------ what the code knows

    /** One action per {@link ClientCommand} subclass, by its name ({@code Heartbeat} is {@code heartbeat}). */
    private static Set<String> clientActionsTheCodeKnows() {
        Set<String> actions = new TreeSet<>();
        for (Class<?> command : ClientCommand.class.getPermittedSubclasses()) {
            // SyncChanges is the v2 form of sync (a frame with since): same action.
            String action = command == ClientCommand.SyncChanges.class ? "sync"
                    : Character.toLowerCase(command.getSimpleName().charAt(0)) + command.getSimpleName().substring(1);
            if (!acceptedByTheCodec(action)) {
                fail("ClientCommand." + command.getSimpleName() + " has no action '" + action + "' in FrameCodec.decode:"
                        + " teach this test its wire name");
            }
            actions.add(action);
        }
        return actions;
    }

    /** Whether FrameCodec.decode routes the action (a frame without fields may still be a bad request). */
    private static boolean acceptedByTheCodec(String action) {
        try {
            FrameCodec.decode("{\"action\":" + quote(action) + "}");
            return true;
        } catch (UnknownActionException unknown) {
            return false;
        } catch (RuntimeException badRequest) {
            return true;
        }
    }

    /** The {@code type} the codec writes for a sample of every {@link ServerFrame} subclass. */
    private static Set<String> serverFrameTypesTheCodeKnows() {
        Set<String> types = new TreeSet<>();
        for (Class<?> frame : ServerFrame.class.getPermittedSubclasses()) {
            ServerFrame sample = (ServerFrame) sample(frame, frame.getSimpleName());
            try {
                types.add(JSON.readTree(FrameCodec.encode(sample)).path("type").asText());
            } catch (IOException e) {
                throw new IllegalStateException("FrameCodec wrote invalid JSON for " + frame.getSimpleName(), e);
            }
        }
        return types;
    }

    /** A value of the type, built through record canonical constructors; content does not matter. */
    private static Object sample(Class<?> type, String what) {
        if (type == String.class) {
            return what.endsWith("Json") ? "{}" : "sample";
        }
        if (type == long.class || type == Long.class) {
            return 1L;
        }
        if (type == int.class || type == Integer.class) {
            return 1;
        }
        if (type == boolean.class || type == Boolean.class) {
            return true;
        }
        if (type == List.class) {
            return List.of();
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        if (type.isRecord()) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Object[] values = Arrays.stream(components).map(c -> sample(c.getType(), c.getName())).toArray();
            try {
                return type.getDeclaredConstructor(types).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build a sample " + type.getSimpleName(), e);
            }
        }
        throw new IllegalStateException("teach ApiDocumentsTest.sample() a value of " + type.getName()
                + " (for " + what + ")");
    }

    // ------------------------------------------------------------------ what the documents say

    /**
     * The constant values of {@code field} (action or type) in the payloads of the messages that
     * operations of the given direction use: for "receive" their messages, for "send" their
     * messages plus the replies of every operation.
     */
    private static Set<String> documentedConstants(String direction, String field) {
        Set<String> constants = new TreeSet<>();
        for (Iterator<JsonNode> operations = asyncapi.path("operations").elements(); operations.hasNext(); ) {
            JsonNode operation = operations.next();
            List<JsonNode> messages = new ArrayList<>();
            if (operation.path("action").asText().equals(direction)) {
                operation.path("messages").forEach(messages::add);
            }
            if (direction.equals("send")) {
                operation.path("reply").path("messages").forEach(messages::add);
            }
            for (JsonNode reference : messages) {
                JsonNode message = follow(asyncapi, reference);
                collectConstants(follow(asyncapi, message.path("payload")), field, constants);
            }
        }
        return constants;
    }

    private static void collectConstants(JsonNode schema, String field, Set<String> into) {
        JsonNode constant = follow(asyncapi, schema.path("properties").path(field)).path("const");
        if (constant.isTextual()) {
            into.add(constant.asText());
        }
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            for (JsonNode part : schema.path(combinator)) {
                collectConstants(follow(asyncapi, part), field, into);
            }
        }
    }

    private static Set<String> documentedRoutes() {
        Set<String> routes = new TreeSet<>();
        openapi.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(member -> {
            if (HTTP_METHODS.contains(member)) {
                routes.add(normalize(member.toUpperCase() + " " + path.getKey()));
            }
        }));
        return routes;
    }

    /** "METHOD /path/{param}" with parameter names dropped, so only the shape has to match. */
    private static Set<String> normalized(List<String> routes) {
        return routes.stream().map(ApiDocumentsTest::normalize).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String normalize(String route) {
        return route.trim().replaceAll("\\{[^}]*}", "{}");
    }

    // ------------------------------------------------------------------ YAML helpers

    private static void assertInfo(JsonNode document, String name) {
        assertThat(document.path("info").path("title").asText()).as(name + " info.title").isNotBlank();
        assertThat(document.path("info").path("version").asText()).as(name + " info.version").isNotBlank();
    }

    private static Set<String> pathParameters(JsonNode parameters) {
        Set<String> names = new TreeSet<>();
        for (JsonNode parameter : parameters) {
            JsonNode resolved = follow(openapi, parameter);
            if (resolved.path("in").asText().equals("path")) {
                assertThat(resolved.path("required").asBoolean()).as("path parameter " + resolved.path("name") + " required")
                        .isTrue();
                names.add(resolved.path("name").asText());
            }
        }
        return names;
    }

    /** The node a {@code $ref} points to (local references only), or the node itself. */
    private static JsonNode follow(JsonNode document, JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref") && hops < 10; hops++) {
            String reference = current.get("$ref").asText();
            JsonNode target = resolve(document, reference);
            if (target == null) {
                fail("$ref " + reference + " points nowhere");
            }
            current = target;
        }
        return current;
    }

    private static JsonNode resolve(JsonNode document, String reference) {
        if (!reference.startsWith("#/")) {
            return null;
        }
        JsonNode target = document.at(reference.substring(1));
        return target.isMissingNode() ? null : target;
    }

    private static void collectRefs(JsonNode node, List<String> dangling, JsonNode document) {
        if (node.isObject()) {
            JsonNode reference = node.get("$ref");
            if (reference != null && reference.isTextual() && resolve(document, reference.asText()) == null) {
                dangling.add(reference.asText());
            }
            node.elements().forEachRemaining(child -> collectRefs(child, dangling, document));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, dangling, document));
        }
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The repository's docs/ folder, found upwards from the working directory (the module's, under Maven). */
    private static Path docsDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/asyncapi.yaml"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("no docs/asyncapi.yaml above " + Path.of("").toAbsolutePath());
    }
}
