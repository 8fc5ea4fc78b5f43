package dev.parley.infra;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The JSON access logs of both APIs (one object per line, queryable with Logs Insights). Only the
 * fields named here are logged: no query string, no header and no body, so the token a client
 * passes on {@code $connect} ({@code ?token=}) or in {@code Authorization} never reaches a log.
 */
final class AccessLogs {
    static final String WEBSOCKET_FORMAT = "{\"requestId\":\"$context.requestId\","
            + "\"ip\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\","
            + "\"eventType\":\"$context.eventType\",\"routeKey\":\"$context.routeKey\","
            + "\"status\":\"$context.status\",\"connectionId\":\"$context.connectionId\","
            + "\"userId\":\"$context.authorizer.principalId\",\"error\":\"$context.error.message\","
            + "\"authorizerError\":\"$context.authorizer.error\","
            + "\"integrationError\":\"$context.integrationErrorMessage\"}";

    static final String HTTP_FORMAT = "{\"requestId\":\"$context.requestId\","
            + "\"ip\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\","
            + "\"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\","
            + "\"status\":\"$context.status\",\"protocol\":\"$context.protocol\","
            + "\"responseLength\":\"$context.responseLength\",\"authorizerError\":\"$context.authorizer.error\","
            + "\"integrationError\":\"$context.integrationErrorMessage\"}";

    private AccessLogs() {}

    /** A log group kept for a month and the stage setting that writes this format to it. */
    static IAccessLogSettings create(Construct scope, String id, String format, boolean retainData) {
        LogGroup logs = LogGroup.Builder.create(scope, id)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        LogGroupLogDestination destination = new LogGroupLogDestination(logs);
        AccessLogFormat accessLogFormat = AccessLogFormat.custom(format);
        return new IAccessLogSettings() {
            @Override
            public LogGroupLogDestination getDestination() {
                return destination;
            }

            @Override
            public AccessLogFormat getFormat() {
                return accessLogFormat;
            }
        };
    }
}
