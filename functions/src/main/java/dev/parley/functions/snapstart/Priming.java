package dev.parley.functions.snapstart;

import dev.parley.functions.auth.TokenVerifier;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.HttpBodies;
import dev.parley.model.protocol.JsonTree;
import dev.parley.model.protocol.ServerFrame;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Trigger;
import dev.parley.model.tables.TableDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The SnapStart hooks of each function family, by what invokes the function:
 * <ul>
 *   <li><b>authorizer</b> ({@link AuthorizerPriming}, which its jar holds without this class):
 *       fetches the JWKS and runs a token through parsing, key selection and RSA verification
 *       before the snapshot; fetches the JWKS again after a restore;</li>
 *   <li><b>websocket</b> routes: the {@link ProbeCall} through the DynamoDB client, and the frame
 *       codec on a representative {@code send} frame and the frames answered to it;</li>
 *   <li><b>http</b> routes: the probe, and the JSON bodies of the HTTP API;</li>
 *   <li><b>consumer</b> (queue, stream, bucket; none runs with SnapStart today): the probe.</li>
 * </ul>
 * Only the authorizer holds something that must be fresh after a restore. The functions keep no
 * random state or unique ids from init (ids are drawn per request, from {@code SecureRandom} or
 * {@code UUID.randomUUID()}), and the SDK re-establishes its connections after a restore
 * (docs/architecture.md, "Priming and SnapStart", with the AWS sources).
 */
public final class Priming {
    static final String REPRESENTATIVE_SEND = "{\"action\":\"send\",\"requestId\":\"prime-1\",\"to\":\"bob\","
            + "\"clientMsgId\":\"prime-1\",\"body\":{\"text\":\"hello, how are you?\"}}";
    static final String REPRESENTATIVE_HTTP_BODY = "{\"name\":\"team\",\"members\":[\"bob\",\"carol\"]}";

    private Priming() {}

    /** The hooks of a function's family, on the given clients. */
    public static SnapStartHooks forFunction(FunctionSpec spec, DynamoDbClient dynamo,
                                             Function<TableDefinition, String> tableNames,
                                             Supplier<TokenVerifier> verifier) {
        return forFunction(spec, dynamo, tableNames, verifier, Map.of());
    }

    /**
     * The same, building beforehand the other clients the function's first request would build
     * (each a step named by its key, after the probe call): {@code @connections}, a queue's.
     */
    public static SnapStartHooks forFunction(FunctionSpec spec, DynamoDbClient dynamo,
                                             Function<TableDefinition, String> tableNames,
                                             Supplier<TokenVerifier> verifier, Map<String, Supplier<?>> clients) {
        Optional<ProbeCall> probe = ProbeCall.of(spec, tableNames);
        if (spec.has(new Trigger.ConnectAuthorizer())) {
            return AuthorizerPriming.hooks(verifier.get());
        }
        if (!spec.webSocketRoutes().isEmpty()) {
            return withProbe("websocket", probe, dynamo, clients,
                    List.of(new SnapStartHooks.Step("frame-codec", Priming::frameCodec)));
        }
        if (!spec.httpRoutes().isEmpty()) {
            return withProbe("http", probe, dynamo, clients,
                    List.of(new SnapStartHooks.Step("json-bodies", Priming::httpBodies)));
        }
        return withProbe("consumer", probe, dynamo, clients, List.of());
    }

    /**
     * The probe call first (when the function may make one), the other clients, then the family's
     * own steps; nothing after a restore.
     */
    private static SnapStartHooks withProbe(String family, Optional<ProbeCall> probe, DynamoDbClient dynamo,
                                            Map<String, Supplier<?>> clients, List<SnapStartHooks.Step> more) {
        List<SnapStartHooks.Step> steps = new ArrayList<>();
        probe.ifPresent(call -> steps.add(new SnapStartHooks.Step("dynamodb-call", () -> call.run(dynamo))));
        clients.forEach((name, client) -> steps.add(new SnapStartHooks.Step(name, client::get)));
        steps.addAll(more);
        return new SnapStartHooks(family, steps, List.of());
    }

    /** What a {@code send} costs the codec: the frame decoded, its reply and its push encoded. */
    private static void frameCodec() {
        ClientCommand command = FrameCodec.decode(REPRESENTATIVE_SEND);
        if (!(command instanceof ClientCommand.Send send)) {
            throw new IllegalStateException("the representative frame decoded as " + command);
        }
        Message message = new Message("dm:alice:bob", 1, "alice", send.clientMsgId(),
                "{\"text\":\"hello, how are you?\"}", 1L);
        FrameCodec.encode(new ServerFrame.Sent(send.requestId(), message.conversationId(), send.clientMsgId(), 1, 1L));
        FrameCodec.encode(new ServerFrame.MessagePush(message));
        FrameCodec.encode(ServerFrame.Error.of(send.requestId(), ErrorCode.BAD_REQUEST, "probe"));
    }

    /** The HTTP API's JSON both ways: a request body parsed, an answer and an error written. */
    private static void httpBodies() throws java.io.IOException {
        Object body = JsonTree.parse(REPRESENTATIVE_HTTP_BODY);
        if (!(body instanceof Map<?, ?> object) || !JsonTree.wellFormedText(object)) {
            throw new IllegalStateException("the representative body parsed as " + body);
        }
        JsonTree.write(object);
        HttpBodies.error(ErrorCode.BAD_REQUEST, "probe", null);
    }
}
