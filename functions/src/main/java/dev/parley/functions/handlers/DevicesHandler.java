package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.service.NotificationService;
import dev.parley.functions.wiring.Wiring;
import java.util.Map;

/** {@code PUT /devices/{deviceId}} and {@code DELETE /devices/{deviceId}}: the caller's push registrations. */
public final class DevicesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final NotificationService notifications;

    public DevicesHandler() {
        this(Wiring.fromEnvironment());
    }

    public DevicesHandler(Wiring wiring) {
        this(wiring.notificationService());
    }

    public DevicesHandler(NotificationService notifications) {
        this.notifications = notifications;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            String deviceId = HttpRoutes.pathParameter(request, "deviceId");
            if ("PUT /devices/{deviceId}".equals(request.getRouteKey())) {
                Map<String, Object> body = HttpRoutes.jsonBody(request);
                Object platform = body.get("platform");
                Object token = body.get("pushToken");
                notifications.register(userId, deviceId, platform instanceof String p ? p : null,
                        token instanceof String t ? t : null);
            } else {
                notifications.unregister(userId, deviceId);
            }
            return new HttpRoutes.Result(204, null);
        });
    }
}
