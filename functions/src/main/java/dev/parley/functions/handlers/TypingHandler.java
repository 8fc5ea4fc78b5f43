package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.TypingService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/** The {@code typing} route (protocol v2): relayed to the other members' live connections; no reply unless refused. */
public final class TypingHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final TypingService typing;

    public TypingHandler() {
        this(Wiring.fromEnvironment());
    }

    public TypingHandler(Wiring wiring) {
        this(wiring.typingService());
    }

    public TypingHandler(TypingService typing) {
        this.typing = typing;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.Typing signal) {
                typing.typing(caller, signal);
                return null;
            }
            throw new UnknownActionException("the typing route only takes typing frames");
        });
    }
}
