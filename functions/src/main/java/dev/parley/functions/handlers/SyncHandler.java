package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.SyncService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/**
 * The {@code sync} route, answered with {@code synced}: v1 (a cursor per conversation, every
 * conversation) or v2 (one cursor per device, only what changed: a frame with {@code since}).
 */
public final class SyncHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final SyncService sync;

    public SyncHandler() {
        this(Wiring.fromEnvironment());
    }

    public SyncHandler(Wiring wiring) {
        this(wiring.syncService());
    }

    public SyncHandler(SyncService sync) {
        this.sync = sync;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.Sync request) {
                return WebSocketRoutes.synced(request.requestId(), sync.sync(caller, request));
            }
            if (command instanceof ClientCommand.SyncChanges request) {
                return WebSocketRoutes.syncedChanges(request.requestId(), sync.changes(caller, request));
            }
            throw new UnknownActionException("the sync route only takes sync frames");
        });
    }
}
