package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.joinContaining;
import static dev.parley.infra.SynthesizedStack.logicalId;

import dev.parley.model.routes.Bucket;
import dev.parley.model.routes.Catalogue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** The attachments bucket: private, encrypted, TLS only, CORS for presigned uploads, and its notification. */
class AttachmentsBucketTest {
    private static final Map<String, Object> BUCKET_ARN = getAtt(STACK.attachments().bucket(), "Arn");

    @Test
    void theBucketIsEncryptedPrivateAndAbortsIncompleteUploads() {
        TEMPLATE.resourceCountIs("AWS::S3::Bucket", 1);
        TEMPLATE.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", Attachments.ABORT_INCOMPLETE_UPLOADS_DAYS),
                        "Status", "Enabled"))))));
    }

    @Test
    void browsersMayPutAndGetThroughPresignedUrls() {
        TEMPLATE.hasResourceProperties("AWS::S3::Bucket", Map.of("CorsConfiguration", Map.of("CorsRules", List.of(
                Match.objectLike(Map.of("AllowedMethods", List.of("PUT", "GET", "HEAD"), "AllowedOrigins", List.of("*"),
                        "AllowedHeaders", List.of("*")))))));
    }

    @Test
    void theBucketRefusesEveryRequestWithoutTls() {
        TEMPLATE.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    @Test
    void uploadsNotifyTheThumbnailFunctionThroughItsAlias() {
        TEMPLATE.hasResourceProperties("Custom::S3BucketNotifications", Map.of("NotificationConfiguration", Map.of(
                "LambdaFunctionConfigurations", List.of(Map.of(
                        "Events", List.of("s3:ObjectCreated:*"),
                        "Filter", Map.of("Key", Map.of("FilterRules", List.of(Map.of("Name", "prefix", "Value", Bucket.UPLOADS)))),
                        "LambdaFunctionArn", Map.of("Ref", logicalId(function(Catalogue.THUMBNAILS).live())))))));
    }

    @Test
    void eachFunctionGetsItsCatalogueActionsOnItsPrefixesOnly() {
        for (var spec : Catalogue.ALL) {
            for (Bucket.Access access : Catalogue.bucketAccess(spec)) {
                TEMPLATE.hasResourceProperties("AWS::IAM::Policy", Map.of(
                        "Roles", List.of(Map.of("Ref", logicalId(function(spec).function().getRole()))),
                        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Map.of(
                                "Action", access.ops().size() == 1 ? access.ops().iterator().next().iamAction()
                                        : access.ops().stream().map(Bucket.Op::iamAction).sorted().toList(),
                                "Effect", "Allow",
                                "Resource", joinContaining(BUCKET_ARN, "/" + access.prefix() + "*")))))));
            }
        }
    }

    @Test
    void everyFunctionKnowsTheBucketByName() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of("ATTACHMENTS_BUCKET", Map.of("Ref", logicalId(STACK.attachments().bucket())))))));
    }
}
