package dev.parley.infra;

import java.util.Arrays;
import java.util.List;
import software.constructs.Node;

/**
 * What a deployment may choose, each a CDK context value ({@code cdk deploy -c key=value}); the
 * README's "Deploy to AWS" section documents them.
 *
 * @param retainData       {@code retainData}: keep tables, the user pool and logs when the stack is
 *                         deleted (default true; false only for throwaway deployments)
 * @param alarmEmail       {@code alarmEmail}: an address subscribed to the alarm topic, or empty
 * @param corsAllowOrigins {@code corsAllowOrigins}: comma-separated origins the HTTP API allows (default *)
 * @param apnsApplication  {@code apnsPlatformApplicationArn}: SNS platform application for APNs, or empty
 * @param fcmApplication   {@code fcmPlatformApplicationArn}: SNS platform application for FCM, or empty
 * @param apiGatewayAccountRole {@code apiGatewayAccountRole}: create the role API Gateway writes
 *                         access logs with and set it on the account-wide {@code AWS::ApiGateway::Account}
 *                         (default false: the setting is shared by every API of the account and Region,
 *                         and the stack would overwrite a role chosen by someone else; true only on an
 *                         account where none is set yet, see {@link WebSocketEndpoint})
 * @param provisionedCapacity {@code billing}: {@code onDemand} (default) or {@code provisioned}: every
 *                         table and index with provisioned capacity and target-tracking auto scaling
 *                         ({@link DataTables}; docs/scale.md says from which steady load it pays)
 */
public record DeploymentOptions(boolean retainData, String alarmEmail, List<String> corsAllowOrigins,
                                String apnsApplication, String fcmApplication, boolean apiGatewayAccountRole,
                                boolean provisionedCapacity) {
    public DeploymentOptions {
        corsAllowOrigins = List.copyOf(corsAllowOrigins);
    }

    /** The options in a construct tree's context (the app's, in practice), defaults for what is absent. */
    public static DeploymentOptions fromContext(Node node) {
        return new DeploymentOptions(
                Boolean.parseBoolean(string(node, "retainData", "true")),
                string(node, "alarmEmail", ""),
                Arrays.stream(string(node, "corsAllowOrigins", "*").split(",")).map(String::trim)
                        .filter(origin -> !origin.isEmpty()).toList(),
                string(node, "apnsPlatformApplicationArn", ""),
                string(node, "fcmPlatformApplicationArn", ""),
                Boolean.parseBoolean(string(node, "apiGatewayAccountRole", "false")),
                billing(string(node, "billing", "onDemand")));
    }

    private static boolean billing(String value) {
        return switch (value) {
            case "onDemand", "on-demand", "PAY_PER_REQUEST" -> false;
            case "provisioned", "PROVISIONED" -> true;
            default -> throw new IllegalArgumentException("billing must be onDemand or provisioned, not " + value);
        };
    }

    private static String string(Node node, String key, String fallback) {
        Object value = node.tryGetContext(key);
        return value == null ? fallback : value.toString().trim();
    }
}
