package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.Caller;
import dev.parley.functions.service.SendReceipt;
import dev.parley.functions.service.SendService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.HttpBodies;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Protocol v2's send over HTTP: {@code POST /conversations/{id}/messages} and {@code POST
 * /users/{userId}/messages} (the direct conversation with that user). The body holds the fields of
 * a {@code send} frame; the answer, 200 with the fields of {@code sent}. The same service as the
 * WebSocket {@code send}: the same checks, budget, idempotency and codes. The message has no
 * origin connection, so every live connection of the sender gets its push too.
 */
public final class SendHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** The device of a send that names none: HTTP requests come from no connection. */
    static final String HTTP_DEVICE = "http";

    private final SendService sends;

    public SendHttpHandler() {
        this(Wiring.fromEnvironment());
    }

    public SendHttpHandler(Wiring wiring) {
        this(wiring.sendService());
    }

    public SendHttpHandler(SendService sends) {
        this.sends = sends;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            String body = request.getBody();
            if (body != null && request.getIsBase64Encoded()) {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            }
            ClientCommand.Send send = switch (String.valueOf(request.getRouteKey())) {
                case "POST /conversations/{id}/messages" ->
                        FrameCodec.decodeHttpSend(body, HttpRoutes.pathParameter(request, "id"), null);
                case "POST /users/{userId}/messages" ->
                        FrameCodec.decodeHttpSend(body, null, HttpRoutes.pathParameter(request, "userId"));
                default -> throw new IllegalStateException("SendHttpHandler is not the integration of "
                        + request.getRouteKey());
            };
            SendReceipt receipt = sends.send(new Caller(userId, device(request), null), send);
            return new HttpRoutes.Result(200,
                    HttpBodies.sent(receipt.conversationId(), receipt.clientMsgId(), receipt.seq(), receipt.sentAt()));
        });
    }

    /** The token's {@code device} claim when it has one. */
    private static String device(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        var jwt = context == null || context.getAuthorizer() == null ? null : context.getAuthorizer().getJwt();
        String device = jwt == null || jwt.getClaims() == null ? null : jwt.getClaims().get("device");
        return device == null || device.isEmpty() ? HTTP_DEVICE : device;
    }
}
