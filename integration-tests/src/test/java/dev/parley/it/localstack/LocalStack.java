package dev.parley.it.localstack;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One LocalStack container per test JVM, through Testcontainers, serving DynamoDB and DynamoDB
 * Streams. Our WebSocket gateway, HTTP API and stream poller stay in front of it (LocalStack's
 * free tier has no WebSocket APIs).
 *
 * <p>Two preconditions, checked before anything starts: a Docker engine that answers, and
 * {@code LOCALSTACK_AUTH_TOKEN} (LocalStack's image requires one). When either is missing the
 * calling test is <em>skipped</em> (a JUnit assumption) with a message naming what is missing;
 * it never fails and never falls back to DynamoDB Local. Once both are there, a container that
 * does not start is a failure like any other.
 */
public final class LocalStack {
    /** The environment variable LocalStack's image reads its auth token from. */
    public static final String TOKEN_VARIABLE = "LOCALSTACK_AUTH_TOKEN";
    /** Overrides the image, e.g. {@code -Dparley.localstack.image=localstack/localstack:4.12}. */
    public static final String IMAGE_PROPERTY = "parley.localstack.image";
    static final String DEFAULT_IMAGE = "localstack/localstack:latest";

    /** Where LocalStack answers, and as whom to call it. */
    public record Endpoint(URI uri, Region region, AwsCredentialsProvider credentials) {}

    private static Endpoint endpoint;
    private static boolean reported;

    private LocalStack() {}

    /**
     * The running LocalStack, started on first use. Skips the calling test when no Docker engine
     * answers or no auth token is set.
     */
    public static synchronized Endpoint endpoint() {
        if (endpoint == null) {
            assumePreconditions();
            LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(image())
                    .asCompatibleSubstituteFor("localstack/localstack"))
                    .withEnv(TOKEN_VARIABLE, System.getenv(TOKEN_VARIABLE));
            container.start(); // stopped by Testcontainers' reaper when the JVM exits
            endpoint = new Endpoint(container.getEndpoint(), Region.of(container.getRegion()),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(container.getAccessKey(),
                            container.getSecretKey())));
        }
        return endpoint;
    }

    static String image() {
        return System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
    }

    /** Both preconditions are checked, so the message names everything that is missing at once. */
    private static void assumePreconditions() {
        List<String> missing = new ArrayList<>();
        String token = System.getenv(TOKEN_VARIABLE);
        if (token == null || token.isBlank()) {
            missing.add(TOKEN_VARIABLE + " is not set (LocalStack's image needs an auth token)");
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            missing.add("no Docker engine answers (Testcontainers found no usable Docker environment)");
        }
        if (!missing.isEmpty()) {
            String reason = "LocalStack tests skipped: " + String.join("; ", missing);
            if (!reported) {
                // Surefire's console lists skipped tests without their reason: say it once here.
                System.err.println("[parley] " + reason);
                reported = true;
            }
            Assumptions.abort(reason);
        }
    }
}
