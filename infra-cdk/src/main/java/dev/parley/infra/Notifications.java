package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Queues;
import dev.parley.model.routes.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.constructs.Construct;

/**
 * Offline push notifications, off the fan-out path (docs/architecture.md, "Offline push
 * notifications"): fan-out and the chunk function send offline recipients' notices to the
 * notifications queue ({@code NOTIFY_QUEUE_URL}); the function the catalogue names for that queue
 * takes them in batches (a user's devices and badge read once per batch) and publishes through
 * the SNS platform applications the team creates with its APNs and FCM credentials
 * ({@code -c apnsPlatformApplicationArn=...}, {@code -c fcmPlatformApplicationArn=...}). Without
 * them nothing is published and no function gets any SNS permission. The notification function
 * creates an endpoint per device token, publishes to it, and deletes the endpoints the platform
 * rejects.
 */
final class Notifications extends QueueConcern {
    /**
     * Notices per batch: a larger batch coalesces more of one user's notices into one badge read;
     * Lambda requires a batching window of at least a second above ten messages.
     */
    static final int BATCH_SIZE = 100;
    static final Duration BATCHING_WINDOW = Duration.seconds(1);

    Notifications(Construct scope, String id) {
        super(scope, id, "NotificationsDeadLetterQueue", "notifications", false,
                (self, deadLetters) -> WorkQueues.work(self, "NotificationsQueue", consumer(), deadLetters, 3)
                        // A notification an hour late is worth less than none: the user has opened the app.
                        .retentionPeriod(Duration.hours(1))
                        .build());
    }

    /**
     * Lets fan-out and the chunk function queue notices, the catalogue's notification function
     * receive them, and that function alone publish to the configured platform applications.
     */
    void connect(Functions functions, String apnsApplication, String fcmApplication) {
        queue().grantSendMessages(functions.function(Catalogue.FANOUT).function());
        queue().grantSendMessages(functions.function(Catalogue.FANOUT_CHUNKS).function());
        WorkQueues.consume(functions, consumer(), queue(), "NotificationsEventSource",
                EventSourceMappingOptions.builder().batchSize(BATCH_SIZE).maxBatchingWindow(BATCHING_WINDOW));
        JavaFunction consumer = functions.function(consumer());

        List<String> applications = Stream.of(apnsApplication, fcmApplication).filter(arn -> !arn.isEmpty()).toList();
        if (applications.isEmpty()) {
            return;
        }
        List<String> resources = new ArrayList<>(applications);
        applications.forEach(arn -> resources.add(arn.replace(":app/", ":endpoint/") + "/*"));
        consumer.function().addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("sns:CreatePlatformEndpoint", "sns:Publish", "sns:DeleteEndpoint"))
                .resources(resources)
                .build());
        Nag.suppress(consumer.function(), "AwsSolutions-IAM5",
                "Platform endpoints are created per device token at run time; the wildcard is limited to "
                        + "the endpoints of the configured platform applications.",
                resources.stream().filter(arn -> arn.endsWith("/*")).map(arn -> "Resource::" + arn)
                        .toArray(String[]::new));
    }

    private static FunctionSpec consumer() {
        return Catalogue.forTrigger(new Trigger.QueueMessages(Queues.NOTIFICATIONS)).orElseThrow();
    }
}
