package dev.parley.local.gateway;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.local.Json;
import dev.parley.local.http.LocalOnly;
import dev.parley.model.aws.AwsLimits;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * The {@code @connections} management API of the gateway, as the AWS SDK's
 * ApiGatewayManagementApiClient calls it: {@code POST} sends a frame, {@code GET} describes the
 * connection, {@code DELETE} closes it. An unknown connection answers 410 with the
 * {@code GoneException} error type, so the SDK raises its own GoneException. Every request must be
 * signed (SigV4) with the local credentials, as IAM requires on AWS: {@link SignatureCheck}.
 */
public final class ConnectionsApi extends Handler.Abstract {
    public static final String PREFIX = "/@connections/";
    private static final int MAX_POST_BYTES = AwsLimits.WEBSOCKET_MESSAGE_BYTES;

    private final WebSocketGateway gateway;
    private final SignatureCheck signatures;
    private volatile PostFaults faults = PostFaults.NONE;

    public ConnectionsApi(WebSocketGateway gateway, SignatureCheck signatures) {
        this.gateway = gateway;
        this.signatures = signatures;
    }

    /** The signature check against the credentials the runtime hands its functions (DynamoDB Local's). */
    public static SignatureCheck localSignatures(Clock clock) {
        return new SignatureCheck(DynamoDbLocal.CREDENTIALS.resolveCredentials(), DynamoDbLocal.REGION.id(), clock);
    }

    /** An SDK client of the {@code @connections} API at {@code endpoint}, signing with the local credentials. */
    public static ApiGatewayManagementApiClient client(URI endpoint) {
        return ApiGatewayManagementApiClient.builder()
                .endpointOverride(endpoint)
                .region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Fault injection for tests: answers chosen posts with an error status instead of delivering them. */
    @FunctionalInterface
    public interface PostFaults {
        PostFaults NONE = (connectionId, frame) -> 0;

        /** An HTTP status to answer with instead of delivering (410, 429, 500...), or 0 to deliver. */
        int statusFor(String connectionId, String frame);
    }

    public void setFaults(PostFaults faults) {
        this.faults = faults == null ? PostFaults.NONE : faults;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        if (!LocalOnly.allows(request)) {
            error(response, callback, 403, "ForbiddenException", "Forbidden");
            return true;
        }
        SignatureCheck.Headers headers = name -> request.getHeaders().getValuesList(name);
        SignatureCheck.Outcome authorized = signatures.authorize(headers);
        // Read the body (to 128 KB at most) before any answer: answering with the body unread makes
        // Jetty close the connection, which a keep-alive client finds dead on its next request.
        byte[] data = readAtMost(request, MAX_POST_BYTES);
        if (authorized.refusal() != null) {
            refuse(response, callback, authorized.refusal());
            return true;
        }
        if (data == null) {
            error(response, callback, 413, "PayloadTooLargeException", "Payload too large");
            return true;
        }
        String method = request.getMethod();
        Optional<SignatureCheck.Refusal> forged = signatures.verify(authorized.authorization(), new SignatureCheck.Received(
                method, request.getHttpURI().getPath(), request.getHttpURI().getQuery(), headers, data));
        if (forged.isPresent()) {
            refuse(response, callback, forged.get());
            return true;
        }
        String connectionId = URLDecoder.decode(path.substring(PREFIX.length()), StandardCharsets.UTF_8);
        if (HttpMethod.POST.is(method)) {
            String frame = new String(data, StandardCharsets.UTF_8);
            int injected = faults.statusFor(connectionId, frame);
            if (injected == 410 || (injected == 0 && !gateway.post(connectionId, frame))) {
                error(response, callback, 410, "GoneException", "Gone");
            } else if (injected != 0) {
                error(response, callback, injected, injected == 429 ? "LimitExceededException" : "InternalServerError",
                        "injected fault");
            } else {
                response.setStatus(200);
                callback.succeeded();
            }
        } else if (HttpMethod.GET.is(method)) {
            var info = gateway.info(connectionId);
            if (info.isEmpty()) {
                error(response, callback, 410, "GoneException", "Gone");
            } else {
                var connection = info.get();
                json(response, callback, 200, "{\"connectedAt\":\"" + Instant.ofEpochMilli(connection.connectedAt())
                        + "\",\"identity\":{\"sourceIp\":\"" + connection.sourceIp() + "\",\"userAgent\":"
                        + Json.MAPPER.writeValueAsString(connection.userAgent())
                        + "},\"lastActiveAt\":\"" + Instant.ofEpochMilli(connection.lastActiveAt()) + "\"}");
            }
        } else if (HttpMethod.DELETE.is(method)) {
            if (gateway.disconnect(connectionId)) {
                response.setStatus(204);
                callback.succeeded();
            } else {
                error(response, callback, 410, "GoneException", "Gone");
            }
        } else {
            error(response, callback, 405, "MethodNotAllowed", "Method not allowed");
        }
        return true;
    }

    /** The request body, or null when it is longer than {@code limit} (read no further than that). */
    public static byte[] readAtMost(Request request, int limit) throws java.io.IOException {
        long declared = request.getLength();
        if (declared > limit) {
            return null;
        }
        try (java.io.InputStream in = Content.Source.asInputStream(request)) {
            byte[] data = in.readNBytes(limit + 1);
            return data.length > limit ? null : data;
        }
    }

    private static void refuse(Response response, Callback callback, SignatureCheck.Refusal refusal) throws Exception {
        error(response, callback, 403, refusal.errorType(), refusal.message());
    }

    /** API Gateway's error answer: the error type in {@code x-amzn-ErrorType}, {@code {"message"}} as the body. */
    private static void error(Response response, Callback callback, int status, String type, String message)
            throws Exception {
        response.getHeaders().put("x-amzn-ErrorType", type);
        json(response, callback, status, "{\"message\":" + Json.MAPPER.writeValueAsString(message) + "}");
    }

    static void json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
