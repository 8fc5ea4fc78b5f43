package dev.parley.functions.wiring;

import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3 client and presigner of the attachments bucket, each built on first use. With
 * {@code S3_ENDPOINT} set (the local runtime's S3-compatible server) requests are path-style
 * ({@code http://host:port/bucket/key}); on AWS the SDK's regional virtual-hosted endpoint is used.
 *
 * <p>Checksums only when an operation requires them: since SDK 2.30 a PutObject otherwise streams
 * an {@code aws-chunked} body with a CRC trailer by default; the functions' writes are small
 * thumbnails whose integrity the signed payload hash already covers.
 */
public record S3Clients(Supplier<S3Client> client, Supplier<S3Presigner> presigner) {

    /** With the SDK's default credentials chain and the region of {@code AWS_REGION}; each client built on first use. */
    public static S3Clients withDefaults(ParleyConfig config) {
        return of(config, Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")),
                DefaultCredentialsProvider.builder().build(), UrlConnectionHttpClient.create());
    }

    public static S3Clients of(ParleyConfig config, Region region, AwsCredentialsProvider credentials, SdkHttpClient http) {
        boolean custom = config.isSet(Setting.S3_ENDPOINT);
        Supplier<S3Client> client = Lazy.of(() -> {
            S3ClientBuilder builder = S3Client.builder().region(region).credentialsProvider(credentials).httpClient(http)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (custom) {
                builder.endpointOverride(URI.create(config.get(Setting.S3_ENDPOINT))).forcePathStyle(true);
            }
            return builder.build();
        });
        Supplier<S3Presigner> presigner = Lazy.of(() -> {
            S3Presigner.Builder builder = S3Presigner.builder().region(region).credentialsProvider(credentials);
            if (custom) {
                builder.endpointOverride(URI.create(config.get(Setting.S3_ENDPOINT)))
                        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
            }
            return builder.build();
        });
        return new S3Clients(client, presigner);
    }
}
