package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.ReceiptService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/** The {@code ack} route: this device holds everything up to seq. No direct reply unless refused. */
public final class AckHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ReceiptService receipts;

    public AckHandler() {
        this(Wiring.fromEnvironment());
    }

    public AckHandler(Wiring wiring) {
        this(wiring.receiptService());
    }

    public AckHandler(ReceiptService receipts) {
        this.receipts = receipts;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.Ack ack) {
                receipts.ack(caller, ack);
                return null;
            }
            throw new UnknownActionException("the ack route only takes ack frames");
        });
    }
}
