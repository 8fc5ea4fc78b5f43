package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.service.ReceiptService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;
import java.util.function.Supplier;

/**
 * The {@code read} route: the user's read cursor moves and their other devices (and, in a direct
 * conversation, the peer) are told. One-way: nothing is sent back unless the frame is refused (the error frame, posted to the caller).
 */
public final class ReadHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ReceiptService receipts;
    private final Supplier<ConnectionPusher> replies;

    public ReadHandler() {
        this(Wiring.fromEnvironment());
    }

    public ReadHandler(Wiring wiring) {
        this(wiring.receiptService(), wiring.connectionPusher());
    }

    /** {@code replies}: where a refusal's error frame is posted (a one-way route has no route response). */
    public ReadHandler(ReceiptService receipts, Supplier<ConnectionPusher> replies) {
        this.receipts = receipts;
        this.replies = replies;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handleOneWay(event, (caller, command) -> {
            if (command instanceof ClientCommand.Read read) {
                receipts.read(caller, read);
                return null;
            }
            throw new UnknownActionException("the read route only takes read frames");
        }, replies);
    }
}
