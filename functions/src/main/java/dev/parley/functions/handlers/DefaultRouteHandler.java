package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.ErrorCode;
import dev.parley.model.errors.ParleyException;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;

/**
 * {@code $default}: API Gateway routes here every frame whose {@code action} matches no route,
 * including frames that are not JSON or have no action. Answers {@code BAD_REQUEST} or
 * {@code UNKNOWN_ACTION}; nothing is stored and the connection stays open. Needs no AWS client.
 */
public final class DefaultRouteHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    public DefaultRouteHandler() {}

    /** The catalogue's constructor; this route needs nothing from the wiring. */
    public DefaultRouteHandler(Wiring wiring) {}

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        String requestId = null;
        try {
            FrameCodec.Envelope envelope = FrameCodec.readEnvelope(event.getBody());
            requestId = envelope.requestId();
            FrameCodec.decode(envelope);
            // A valid frame of an action that has no route of its own on this deployment.
            return WebSocketRoutes.reply(ServerFrame.Error.of(requestId, ErrorCode.UNKNOWN_ACTION,
                    "action '" + envelope.action() + "' is not served by this deployment"));
        } catch (ParleyException refused) {
            return WebSocketRoutes.reply(ServerFrame.Error.of(requestId, ErrorCode.of(refused), refused.getMessage()));
        }
    }
}
