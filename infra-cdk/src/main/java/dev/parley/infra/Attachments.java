package dev.parley.infra;

import dev.parley.model.routes.Bucket;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Trigger;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CorsRule;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.HttpMethods;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.constructs.Construct;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;

/**
 * Attachments: one private S3 bucket (SSE-S3 encryption, every public access blocked, TLS only,
 * CORS so that browsers PUT and GET through presigned URLs, incomplete multipart uploads aborted
 * after a day), each function's actions on it read from the catalogue
 * ({@link Catalogue#bucketAccess}) and granted on its prefixes only, and the object-created
 * notification of {@link Bucket#UPLOADS} invoking the catalogue's thumbnail function.
 */
final class Attachments extends Concern {
    /** S3 aborts a multipart upload that has not completed after this many days (and frees its parts). */
    static final int ABORT_INCOMPLETE_UPLOADS_DAYS = 1;

    private final software.amazon.awscdk.services.s3.Bucket bucket;

    Attachments(Construct scope, String id, boolean retainData, List<String> corsAllowOrigins) {
        super(scope, id);
        bucket = software.amazon.awscdk.services.s3.Bucket.Builder.create(this, "AttachmentsBucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .cors(List.of(CorsRule.builder()
                        .allowedMethods(List.of(HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD))
                        .allowedOrigins(corsAllowOrigins)
                        // A presigned PUT names the headers it signed (Content-Type, Content-Length).
                        .allowedHeaders(List.of("*"))
                        .exposedHeaders(List.of("ETag"))
                        .maxAge(3000)
                        .build()))
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("AbortIncompleteUploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(ABORT_INCOMPLETE_UPLOADS_DAYS))
                        .build()))
                .removalPolicy(retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        Nag.suppress(bucket, "AwsSolutions-S1",
                "Objects are private uploads reached only through short-lived presigned URLs issued to members; "
                        + "who asked for which URL is in the functions' logs. Enable CloudTrail S3 data events "
                        + "for an object-level audit trail.");
    }

    String bucketName() {
        return bucket.getBucketName();
    }

    software.amazon.awscdk.services.s3.Bucket bucket() {
        return bucket;
    }

    /** The catalogue's grants on the bucket, and the object-created notification. */
    void connect(Functions functions) {
        for (FunctionSpec spec : Catalogue.ALL) {
            for (Bucket.Access access : Catalogue.bucketAccess(spec)) {
                JavaFunction function = functions.function(spec);
                String objects = bucket.arnForObjects(access.prefix() + "*");
                function.function().addToRolePolicy(PolicyStatement.Builder.create()
                        .actions(access.ops().stream().map(Bucket.Op::iamAction).sorted().toList())
                        .resources(List.of(objects))
                        .build());
                Nag.suppress(function.function(), "AwsSolutions-IAM5",
                        "Attachment objects are named by ids made at run time; the wildcard covers one prefix "
                                + "of the attachments bucket and only the actions the catalogue lists.",
                        "Resource::<" + Nag.logicalId(bucket) + ".Arn>/" + access.prefix() + "*");
            }
        }
        FunctionSpec thumbnails = Catalogue.forTrigger(new Trigger.BucketObjectCreated(Bucket.UPLOADS)).orElseThrow();
        bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(functions.function(thumbnails).live()),
                NotificationKeyFilter.builder().prefix(Bucket.UPLOADS).build());
        suppressNotificationsHandler(Stack.of(this));
    }

    /**
     * S3 notifications are configured by CDK's BucketNotificationsHandler, a singleton function at
     * the stack's root; its role is CDK's, not ours to shape.
     */
    private static void suppressNotificationsHandler(Stack stack) {
        String role = "/" + stack.getNode().getPath() + "/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role";
        NagSuppressions.addResourceSuppressionsByPath(stack, role, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("CDK's BucketNotificationsHandler writes its logs with AWSLambdaBasicExecutionRole.").build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("CDK's BucketNotificationsHandler sets the notification configuration of this stack's "
                                + "bucket; CDK grants s3:PutBucketNotification on '*'.").build()), true);
    }
}
