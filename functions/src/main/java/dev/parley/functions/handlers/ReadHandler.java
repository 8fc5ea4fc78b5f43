package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.ReceiptService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/**
 * The {@code read} route: the user's read cursor moves and their other devices (and, in a direct
 * conversation, the peer) are told. No direct reply unless the frame is refused.
 */
public final class ReadHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ReceiptService receipts;

    public ReadHandler() {
        this(Wiring.fromEnvironment());
    }

    public ReadHandler(Wiring wiring) {
        this(wiring.receiptService());
    }

    public ReadHandler(ReceiptService receipts) {
        this.receipts = receipts;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.Read read) {
                receipts.read(caller, read);
                return null;
            }
            throw new UnknownActionException("the read route only takes read frames");
        });
    }
}
