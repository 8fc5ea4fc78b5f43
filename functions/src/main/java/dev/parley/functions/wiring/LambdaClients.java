package dev.parley.functions.wiring;

import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.Family;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The optional SDK clients of Lambda's wiring, built here so that {@link Wiring} itself never links
 * an optional client's classes: a family's jar holds only the clients of its {@link Family#services()},
 * and a lambda typed {@code Supplier<SnsClient>} loads {@code SnsClient} when it is created (its
 * method type names it), not when it is called. Each method here is called only when its client
 * is in the jar. {@code FamilyJarsTest} builds every handler from its family's jar alone.
 */
final class LambdaClients {
    private LambdaClients() {}

    /**
     * Lambda's credentials: {@code AWS_ACCESS_KEY_ID} & co. from the environment, where Lambda puts
     * them for an on-demand init; else its container endpoint, which is where a SnapStart function
     * gets them ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}). The container provider is built on
     * first use: an on-demand cold start never pays for it.
     */
    static AwsCredentialsProvider credentials() {
        Supplier<ContainerCredentialsProvider> container = Lazy.of(() -> ContainerCredentialsProvider.builder().build());
        AwsCredentialsProvider fromContainer = () -> container.get().resolveCredentials();
        return AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(), fromContainer);
    }

    static Supplier<ApiGatewayManagementApiClient> management(ParleyConfig config, Region region,
                                                              AwsCredentialsProvider credentials, SdkHttpClient http) {
        return () -> ApiGatewayManagementApiClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                .endpointOverride(URI.create(config.get(Setting.CONNECTIONS_ENDPOINT)))
                .build();
    }

    static Supplier<SqsClient> sqs(ParleyConfig config, Region region, AwsCredentialsProvider credentials,
                                   SdkHttpClient http) {
        return () -> {
            SqsClientBuilder builder = SqsClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
            if (config.isSet(Setting.SQS_ENDPOINT)) {
                builder.endpointOverride(URI.create(config.get(Setting.SQS_ENDPOINT)));
            }
            return builder.build();
        };
    }

    /** The SNS client of offline notifications, with the SDK's default region and credentials chain. */
    static SnsClient sns(ParleyConfig config) {
        var builder = SnsClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (config.isSet(Setting.SNS_ENDPOINT)) {
            builder.endpointOverride(URI.create(config.get(Setting.SNS_ENDPOINT)));
        }
        return builder.build();
    }

    /** A client the family's jar does not hold: asking for it is a catalogue mistake, said plainly. */
    static <T> Supplier<T> absent(Family family, Family.Service service) {
        return () -> {
            throw new IllegalStateException("the " + family.id() + " family's jar holds no " + service
                    + " client: give the function a family that has it (Catalogue)");
        };
    }
}
