package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.parley.functions.service.EventService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.errors.UnknownActionException;
import dev.parley.model.protocol.ClientCommand;

/**
 * The {@code edit}, {@code delete} and {@code react} routes (protocol v2): each answers {@code sent}
 * with the event's seq, the same seq for every retry of one clientMsgId.
 */
public final class MessageEventsHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final EventService events;

    public MessageEventsHandler() {
        this(Wiring.fromEnvironment());
    }

    public MessageEventsHandler(Wiring wiring) {
        this(wiring.eventService());
    }

    public MessageEventsHandler(EventService events) {
        this.events = events;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return WebSocketRoutes.handle(event, (caller, command) -> {
            if (command instanceof ClientCommand.Edit || command instanceof ClientCommand.Delete
                    || command instanceof ClientCommand.React) {
                return WebSocketRoutes.sent(command.requestId(), events.apply(caller, command));
            }
            throw new UnknownActionException("this route only takes edit, delete and react frames");
        });
    }
}
