package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.SendService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/** The {@code send} route: answers {@code sent} with the message's seq (the same seq for every retry). */
public final class SendHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final SendService sends;

    public SendHandler() {
        this(Wiring.fromEnvironment());
    }

    public SendHandler(Wiring wiring) {
        this(wiring.sendService());
    }

    public SendHandler(SendService sends) {
        this.sends = sends;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.Send send) {
                return WebSocketRoutes.sent(send.requestId(), sends.send(caller, send));
            }
            throw new UnknownActionException("the send route only takes send frames");
        });
    }
}
