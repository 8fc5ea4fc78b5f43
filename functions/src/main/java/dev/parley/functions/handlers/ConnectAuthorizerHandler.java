package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.functions.snapstart.AuthorizerPriming;
import dev.parley.model.domain.DeviceIds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lambda REQUEST authorizer of {@code $connect}. The token comes from the {@code token} query
 * parameter (browsers cannot set headers on a WebSocket) or an {@code Authorization: Bearer}
 * header. An allowed connection carries {@code userId} and {@code deviceId} in its authorizer
 * context, which API Gateway passes to every later route of the connection.
 *
 * <p>A refusal throws {@link Unauthorized}: API Gateway answers the upgrade with HTTP 401 when an
 * authorizer fails with exactly the message "Unauthorized".
 */
public final class ConnectAuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {
    private final TokenVerifier verifier;

    /** Lambda's: the verifier of the environment's JWKS (and its SnapStart hooks). */
    public ConnectAuthorizerHandler() {
        this(AuthorizerPriming.verifierFromEnvironment());
    }

    /**
     * The catalogue's constructor for this family (the local runtime passes its wiring's verifier).
     * No {@code Wiring} constructor: Lambda's {@code getConstructor()} resolves the parameter types of
     * every public constructor, and the authorizer's jar holds no {@code Wiring} (it refers to the SDK).
     */
    public ConnectAuthorizerHandler(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        String token = token(event);
        if (token == null) {
            throw new Unauthorized();
        }
        TokenVerifier.Identity identity;
        try {
            identity = verifier.verify(token);
        } catch (TokenVerifier.InvalidTokenException invalid) {
            throw new Unauthorized();
        }
        String deviceId = parameter(event.getQueryStringParameters(), "deviceId");
        if (!DeviceIds.isValid(deviceId)) {
            deviceId = DeviceIds.isValid(identity.device()) ? identity.device() : null;
        }
        Map<String, Object> authorizerContext = new HashMap<>();
        authorizerContext.put(WebSocketRoutes.USER_ID, identity.userId());
        if (deviceId != null) {
            authorizerContext.put(WebSocketRoutes.DEVICE_ID, deviceId);
        }
        return IamPolicyResponseV1.builder()
                .withPrincipalId(identity.userId())
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(List.of(IamPolicyResponseV1.allowStatement(event.getMethodArn())))
                        .build())
                .withContext(authorizerContext)
                .build();
    }

    private static String token(APIGatewayCustomAuthorizerEvent event) {
        String fromQuery = parameter(event.getQueryStringParameters(), "token");
        if (fromQuery != null && !fromQuery.isEmpty()) {
            return fromQuery;
        }
        String header = parameter(event.getHeaders(), "authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return null;
    }

    /** Header names arrive in any case; query parameter names are matched exactly. */
    private static String parameter(Map<String, String> values, String name) {
        if (values == null) {
            return null;
        }
        String exact = values.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && name.equals("authorization")) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The refusal API Gateway turns into HTTP 401. */
    public static final class Unauthorized extends RuntimeException {
        public Unauthorized() {
            super("Unauthorized", null, false, false);
        }
    }
}
