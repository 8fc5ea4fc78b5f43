package dev.parley.model.routes;

import java.util.List;
import java.util.Set;

/**
 * A function family: the functions deployed from one jar, which holds only what they load. A
 * function's family is one argument of its {@link FunctionSpec} in the {@link Catalogue}; moving a
 * function to another family, or adding one to a family, changes nothing else. The functions
 * module builds one shaded jar per family ({@code functions/pom.xml}, one shade execution each,
 * whose dependencies must match {@link #services()}); the CDK app deploys each function from its
 * family's jar; {@code FamilyJarsTest} runs each family's handlers from that jar alone.
 *
 * <p>Why these four: the AWS SDK clients are most of a jar (DynamoDB's is 2.5 MB, S3's 3.5 MB,
 * compressed), and a JVM opens, indexes and verifies from what the jar holds. The authorizer
 * verifies tokens with the JDK and a JOSE library: no SDK. The routes never touch S3 or SNS. S3
 * is needed only by the functions that check, presign or read uploads (the send path's attachment
 * check among them), SNS only by the consumers that send offline notifications.
 */
public enum Family {
    /** The {@code $connect} authorizer: RS256 tokens against a JWKS. */
    AUTHORIZER("authorizer", List.of()),
    /** WebSocket and HTTP routes: DynamoDB, {@code @connections} and the presence queue. */
    ROUTES("routes", List.of(Service.DYNAMODB, Service.APIGATEWAY_MANAGEMENT, Service.SQS)),
    /** What nobody waits on: the stream, the queues; posts, queues and sends offline notifications. */
    CONSUMERS("consumers", List.of(Service.DYNAMODB, Service.APIGATEWAY_MANAGEMENT, Service.SQS, Service.SNS)),
    /** Whatever reads, checks or presigns uploads in the attachments bucket. */
    ATTACHMENTS("attachments", List.of(Service.DYNAMODB, Service.S3));

    /** The AWS services whose SDK clients a family's jar holds. */
    public enum Service {
        DYNAMODB("dynamodb"), APIGATEWAY_MANAGEMENT("apigatewaymanagementapi"), SQS("sqs"), SNS("sns"), S3("s3");

        private final String sdkPackage;

        Service(String sdkPackage) {
            this.sdkPackage = sdkPackage;
        }

        /** The folder of the service's client in a jar: {@code software/amazon/awssdk/services/<name>/}. */
        public String jarFolder() {
            return "software/amazon/awssdk/services/" + sdkPackage + "/";
        }
    }

    private final String id;
    private final List<Service> services;

    Family(String id, List<Service> services) {
        this.id = id;
        this.services = services;
    }

    /** Lower case, as in jar names and benchmark figures. */
    public String id() {
        return id;
    }

    public Set<Service> services() {
        return Set.copyOf(services);
    }

    public boolean has(Service service) {
        return services.contains(service);
    }

    /** The jar's file name in {@code functions/target}. */
    public String jarName() {
        return "parley-" + id + ".jar";
    }
}
