package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.PresenceService;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.domain.UserIds;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.HttpBodies;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /presence?users=a,b,c}: anyone may ask about anyone. */
public final class PresenceHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final PresenceService presence;

    public PresenceHandler() {
        this(Wiring.fromEnvironment());
    }

    public PresenceHandler(Wiring wiring) {
        this(wiring.presenceService());
    }

    public PresenceHandler(PresenceService presence) {
        this.presence = presence;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            String users = HttpRoutes.query(request, "users");
            if (users == null || users.isBlank()) {
                throw new BadRequestException("users must list user ids, comma separated");
            }
            List<String> ids = new ArrayList<>();
            for (String id : users.split(",")) {
                ids.add(UserIds.require(id.strip(), "users"));
            }
            return new HttpRoutes.Result(200, HttpBodies.presence(presence.query(userId, ids)));
        });
    }
}
