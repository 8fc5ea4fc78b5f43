package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * Offline push notifications go through SNS platform applications the team creates with its APNs
 * and FCM credentials ({@code -c apnsPlatformApplicationArn=...}, {@code -c fcmPlatformApplicationArn=...});
 * without them no notification is sent and fan-out gets no SNS permission at all. Fan-out creates
 * an endpoint per device token, publishes to it, and deletes the endpoints the platform rejects.
 */
final class Notifications extends Concern {
    Notifications(Construct scope, String id, Functions functions, String apnsApplication, String fcmApplication) {
        super(scope, id);
        List<String> applications = Stream.of(apnsApplication, fcmApplication).filter(arn -> !arn.isEmpty()).toList();
        if (applications.isEmpty()) {
            return;
        }
        List<String> resources = new ArrayList<>(applications);
        applications.forEach(arn -> resources.add(arn.replace(":app/", ":endpoint/") + "/*"));
        JavaFunction fanout = functions.function(Catalogue.FANOUT);
        fanout.function().addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("sns:CreatePlatformEndpoint", "sns:Publish", "sns:DeleteEndpoint"))
                .resources(resources)
                .build());
        Nag.suppress(fanout.function(), "AwsSolutions-IAM5",
                "Platform endpoints are created per device token at run time; the wildcard is limited to "
                        + "the endpoints of the configured platform applications.",
                resources.stream().filter(arn -> arn.endsWith("/*")).map(arn -> "Resource::" + arn)
                        .toArray(String[]::new));
    }
}
