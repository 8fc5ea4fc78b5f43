package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.SettingsService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.HttpBodies;

/**
 * {@code PUT /blocks/{userId}}, {@code DELETE /blocks/{userId}}, {@code GET /blocks} and
 * {@code PUT /conversations/{id}/settings}: the caller's own choices.
 */
public final class SettingsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final SettingsService settings;

    public SettingsHandler() {
        this(Wiring.fromEnvironment());
    }

    public SettingsHandler(Wiring wiring) {
        this(wiring.settingsService());
    }

    public SettingsHandler(SettingsService settings) {
        this.settings = settings;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            switch (String.valueOf(request.getRouteKey())) {
                case "PUT /blocks/{userId}":
                    settings.block(userId, HttpRoutes.pathParameter(request, "userId"));
                    return new HttpRoutes.Result(204, null);
                case "DELETE /blocks/{userId}":
                    settings.unblock(userId, HttpRoutes.pathParameter(request, "userId"));
                    return new HttpRoutes.Result(204, null);
                case "GET /blocks":
                    return new HttpRoutes.Result(200, HttpBodies.blocked(settings.blocked(userId)));
                case "PUT /conversations/{id}/settings": {
                    String id = ConversationId.require(HttpRoutes.pathParameter(request, "id"));
                    if (!(HttpRoutes.jsonBody(request).get("muted") instanceof Boolean muted)) {
                        throw new BadRequestException("muted must be true or false");
                    }
                    return new HttpRoutes.Result(200, HttpBodies.conversationSettings(id, settings.setMuted(userId, id, muted)));
                }
                default:
                    throw new IllegalStateException("SettingsHandler is not the integration of " + request.getRouteKey());
            }
        });
    }
}
