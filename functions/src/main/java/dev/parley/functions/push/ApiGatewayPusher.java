package dev.parley.functions.push;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;

/**
 * {@link ConnectionPusher} and {@link ConnectionCheck} through the AWS SDK's @connections client
 * (API Gateway, or the local gateway).
 */
public final class ApiGatewayPusher implements ConnectionPusher, ConnectionCheck {
    private final ApiGatewayManagementApiClient client;

    public ApiGatewayPusher(ApiGatewayManagementApiClient client) {
        this.client = client;
    }

    @Override
    public Outcome post(String connectionId, String frame) {
        try {
            client.postToConnection(post -> post.connectionId(connectionId).data(SdkBytes.fromUtf8String(frame)));
            return Outcome.DELIVERED;
        } catch (GoneException gone) {
            return Outcome.GONE;
        } catch (LimitExceededException throttled) {
            throw new PushThrottledException(throttled);
        }
    }

    @Override
    public Answer check(String connectionId) {
        try {
            client.getConnection(get -> get.connectionId(connectionId));
            return Answer.OPEN;
        } catch (GoneException gone) {
            return Answer.GONE;
        } catch (SdkException noAnswer) {
            return Answer.UNKNOWN;
        }
    }
}
