package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.functions.wiring.S3Clients;
import dev.parley.it.support.Parley;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The local S3 store beside S3: presigned URL expiry, a missing key, addressing, checksums. */
class LocalS3Test {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String bucket() {
        return Parley.runtime().config().get(Setting.ATTACHMENTS_BUCKET);
    }

    private static String putObject(S3Client s3) {
        String key = "it/" + UUID.randomUUID();
        s3.putObject(p -> p.bucket(bucket()).key(key).contentType("text/plain"), RequestBody.fromString("hello"));
        return key;
    }

    private static int get(URL url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url.toURI()).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aPresignedGetWorksUntilItExpiresThenIsRefusedWith403() throws Exception {
        LocalRuntime runtime = Parley.runtime();
        try (S3Client s3 = runtime.s3().client(); S3Presigner presigner = runtime.s3().presigner()) {
            String key = putObject(s3);
            URL url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofSeconds(10))
                    .getObjectRequest(g -> g.bucket(bucket()).key(key))).url();
            assertThat(get(url)).as("before it expires").isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> get(url) == 403);
        }
    }

    @Test
    void presignedUrlsArePathStyleOnLoopback() {
        LocalRuntime runtime = Parley.runtime();
        try (S3Presigner presigner = runtime.s3().presigner()) {
            URL url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(1))
                    .getObjectRequest(g -> g.bucket(bucket()).key("uploads/x"))).url();
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            assertThat(url.getPath()).isEqualTo("/" + bucket() + "/uploads/x");
        }
    }

    @Test
    void headObjectOfAMissingKeyIsNotFound() {
        try (S3Client s3 = Parley.runtime().s3().client()) {
            S3Exception missing = catchThrowableOfType(S3Exception.class,
                    () -> s3.headObject(h -> h.bucket(bucket()).key("uploads/never-" + UUID.randomUUID())));
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theFunctionsClientSendsNoChecksumItIsNotRequiredToAndTheStoreTakesTheObject() {
        List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
        SdkHttpClient recording = new Recording(UrlConnectionHttpClient.create(), sent);
        ParleyConfig config = ParleyConfig.fromEnvironment(Map.of(Setting.S3_ENDPOINT.name(),
                Parley.runtime().s3().endpoint().toString()));
        S3Client functions = S3Clients.of(config, DynamoDbLocal.REGION, DynamoDbLocal.CREDENTIALS, recording).client().get();
        String key = putObject(functions);
        assertThat(functions.headObject(h -> h.bucket(bucket()).key(key)).contentLength()).isEqualTo(5);
        SdkHttpRequest put = sent.stream().filter(r -> r.method().name().equals("PUT")).findFirst().orElseThrow();
        assertThat(put.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-amz-checksum")
                || name.equalsIgnoreCase("x-amz-trailer") || name.equalsIgnoreCase("x-amz-sdk-checksum-algorithm"));
        // Over plain HTTP the SDK signs the payload in aws-chunked chunks; without a checksum there is no trailer.
        assertThat(put.firstMatchingHeader("x-amz-content-sha256").orElse("")).doesNotContain("TRAILER");
    }

    /** The SDK's HTTP client, keeping every request it was given. */
    private record Recording(SdkHttpClient delegate, List<SdkHttpRequest> sent) implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            sent.add(request.httpRequest());
            return delegate.prepareRequest(request);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
