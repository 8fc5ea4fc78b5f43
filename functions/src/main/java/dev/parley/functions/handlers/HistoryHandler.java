package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.SyncService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/** The {@code history} route: a page of older messages, answered with {@code history}. */
public final class HistoryHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final SyncService sync;

    public HistoryHandler() {
        this(Wiring.fromEnvironment());
    }

    public HistoryHandler(Wiring wiring) {
        this(wiring.syncService());
    }

    public HistoryHandler(SyncService sync) {
        this.sync = sync;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.History request) {
                return WebSocketRoutes.history(request.requestId(), request.conversationId(), sync.history(caller, request));
            }
            throw new UnknownActionException("the history route only takes history frames");
        });
    }
}
