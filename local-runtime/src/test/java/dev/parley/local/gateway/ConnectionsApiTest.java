package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.model.aws.AwsLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * The {@code @connections} API as the AWS SDK sees it: statuses and error types as API Gateway
 * answers, and SigV4 checked against the local credentials as IAM checks it.
 */
class ConnectionsApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private GatewayHarness harness;
    private ApiGatewayManagementApiClient sdk;

    @BeforeEach
    void start() throws Exception {
        harness = new GatewayHarness(new StubIntegrations().route("whoami", true,
                event -> event.getRequestContext().getConnectionId()));
        sdk = ConnectionsApi.client(URI.create(harness.httpBase()));
    }

    @AfterEach
    void stop() throws Exception {
        sdk.close();
        harness.close();
    }

    private String connectionIdOf(GatewayHarness.Client client) {
        client.send("{\"action\":\"whoami\"}");
        await().until(() -> !client.messages().isEmpty());
        return client.messages().get(0);
    }

    private void post(String connectionId, String data) {
        sdk.postToConnection(p -> p.connectionId(connectionId).data(SdkBytes.fromUtf8String(data)));
    }

    /** A POST signed by the SDK's signer at {@code signedAt} with {@code secret}, whose body is then swapped for {@code sent}. */
    private HttpResponse<String> rawPost(String connectionId, String signedBody, String sent, Instant signedAt, String secret)
            throws Exception {
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http").host("127.0.0.1")
                .port(harness.port()).encodedPath("/@connections/" + connectionId.replace("=", "%3D")).build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                        .identity(AwsBasicCredentials.create("local", secret))
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromUtf8String(signedBody))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SignatureCheck.SERVICE)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, DynamoDbLocal.REGION.id())
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                .request();
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.getUri())
                .POST(HttpRequest.BodyPublishers.ofString(sent, StandardCharsets.UTF_8));
        for (Map.Entry<String, java.util.List<String>> header : signed.headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Host")) {
                header.getValue().forEach(value -> request.header(header.getKey(), value));
            }
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPostReachesTheClient() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        post(connectionIdOf(client), "hello");
        await().until(() -> client.messages().contains("hello"));
    }

    @Test
    void aPostOfOneHundredTwentyEightKibibytesIsDeliveredAndOneByteMoreIsPayloadTooLarge() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        post(id, "x".repeat(AwsLimits.WEBSOCKET_MESSAGE_BYTES));

        PayloadTooLargeException tooLarge = catchThrowableOfType(PayloadTooLargeException.class,
                () -> post(id, "y".repeat(AwsLimits.WEBSOCKET_MESSAGE_BYTES + 1)));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        await().until(() -> client.messages().size() == 2);
        assertThat(client.messages().get(1)).hasSize(AwsLimits.WEBSOCKET_MESSAGE_BYTES);
    }

    @Test
    void anUnknownConnectionIsGone() {
        String nobody = "AAAAAAAAAAAAAAA=";
        assertThat(catchThrowableOfType(GoneException.class, () -> post(nobody, "hello")).statusCode()).isEqualTo(410);
        assertThat(catchThrowableOfType(GoneException.class, () -> sdk.getConnection(g -> g.connectionId(nobody))))
                .isNotNull();
        assertThat(catchThrowableOfType(GoneException.class, () -> sdk.deleteConnection(d -> d.connectionId(nobody))))
                .isNotNull();
    }

    @Test
    void getDescribesAndDeleteClosesTheConnection() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        var described = sdk.getConnection(g -> g.connectionId(id));
        assertThat(described.connectedAt()).isNotNull();
        assertThat(described.identity().sourceIp()).isEqualTo("127.0.0.1");
        sdk.deleteConnection(d -> d.connectionId(id));
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        await().until(() -> catchThrowableOfType(GoneException.class, () -> post(id, "late")) != null);
    }

    @Test
    void anUnsignedRequestIsRefusedWithMissingAuthenticationToken() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        for (String method : new String[] {"POST", "GET", "DELETE"}) {
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(harness.httpBase() + "/@connections/"
                    + id.replace("=", "%3D"))).method(method, HttpRequest.BodyPublishers.ofString("forged")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(method).isEqualTo(403);
            assertThat(refused.headers().firstValue("x-amzn-ErrorType")).as(method).contains("MissingAuthenticationTokenException");
            assertThat(refused.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");
        }
        client.send("{\"action\":\"whoami\"}");
        await().until(() -> client.messages().size() == 2);
        assertThat(client.messages()).as("nothing forged arrived; the connection is open").doesNotContain("forged");
    }

    @Test
    void aRequestSignedWithAnotherKeyOrSecretIsRefused() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        try (ApiGatewayManagementApiClient otherKey = clientWith("AKIDMALLORY", "local");
             ApiGatewayManagementApiClient otherSecret = clientWith("local", "guess")) {
            ApiGatewayManagementApiException unknownKey = catchThrowableOfType(ApiGatewayManagementApiException.class,
                    () -> otherKey.postToConnection(p -> p.connectionId(id).data(SdkBytes.fromUtf8String("forged"))));
            assertThat(unknownKey.statusCode()).isEqualTo(403);
            assertThat(unknownKey.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");

            ApiGatewayManagementApiException wrongSecret = catchThrowableOfType(ApiGatewayManagementApiException.class,
                    () -> otherSecret.deleteConnection(d -> d.connectionId(id)));
            assertThat(wrongSecret.statusCode()).isEqualTo(403);
            assertThat(wrongSecret.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            assertThat(wrongSecret.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match");
        }
        post(id, "still open");
        await().until(() -> client.messages().contains("still open"));
        assertThat(client.messages()).doesNotContain("forged");
    }

    @Test
    void aSignedRequestWhoseBodyWasSwappedIsRefused() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        assertThat(rawPost(id, "signed", "signed", Instant.now(), "local").statusCode()).as("as signed").isEqualTo(200);

        HttpResponse<String> swapped = rawPost(id, "signed", "swapped", Instant.now(), "local");
        assertThat(swapped.statusCode()).isEqualTo(403);
        assertThat(swapped.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        await().until(() -> client.messages().contains("signed"));
        assertThat(client.messages()).doesNotContain("swapped");
    }

    @Test
    void aSignatureDatedMoreThanFiveMinutesAwayIsRefusedAndOneWithinIsAccepted() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        Duration skew = AwsLimits.SIGNATURE_CLOCK_SKEW;

        HttpResponse<String> old = rawPost(id, "old", "old", Instant.now().minus(skew).minusSeconds(30), "local");
        assertThat(old.statusCode()).isEqualTo(403);
        assertThat(old.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        assertThat(old.body()).contains("Signature expired: ").contains(" - 5 min.)");

        HttpResponse<String> early = rawPost(id, "early", "early", Instant.now().plus(skew).plusSeconds(30), "local");
        assertThat(early.statusCode()).isEqualTo(403);
        assertThat(early.body()).contains("Signature not yet current: ").contains(" + 5 min.)");

        assertThat(rawPost(id, "recent", "recent", Instant.now().minus(skew).plusSeconds(30), "local").statusCode())
                .as("signed four and a half minutes ago").isEqualTo(200);
        await().until(() -> client.messages().contains("recent"));
        assertThat(client.messages()).doesNotContain("old", "early");
    }

    @Test
    void aMalformedOrMisscopedAuthorizationIsRefusedWithoutReachingTheConnection() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        String scope = "local/" + date.substring(0, 8) + "/us-east-1/";
        Map<String, String> refusals = Map.of(
                "Bearer eyJhbGciOiJSUzI1NiJ9.e30.x", "IncompleteSignatureException",
                "AWS4-HMAC-SHA256 garbage", "IncompleteSignatureException",
                "AWS4-HMAC-SHA256 Credential=" + scope + "execute-api/aws4_request, SignedHeaders=host;x-amz-date",
                "IncompleteSignatureException",
                "AWS4-HMAC-SHA256 Credential=" + scope + "s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
                "InvalidSignatureException",
                "AWS4-HMAC-SHA256 Credential=local/" + date.substring(0, 8) + "/eu-west-1/execute-api/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=00", "InvalidSignatureException",
                "AWS4-HMAC-SHA256 Credential=" + scope + "execute-api/aws4_request, SignedHeaders=x-amz-date, Signature=00",
                "InvalidSignatureException");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(harness.httpBase() + "/@connections/"
                            + id.replace("=", "%3D"))).header("Authorization", refusal.getKey()).header("X-Amz-Date", date)
                    .POST(HttpRequest.BodyPublishers.ofString("forged")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refusal.getKey()).isEqualTo(403);
            assertThat(refused.headers().firstValue("x-amzn-ErrorType")).as(refusal.getKey()).contains(refusal.getValue());
            assertThat(refused.body()).as("never echoes the request").doesNotContain(refusal.getKey());
        }
        post(id, "still open");
        await().until(() -> client.messages().contains("still open"));
        assertThat(client.messages()).doesNotContain("forged");
    }

    private ApiGatewayManagementApiClient clientWith(String accessKeyId, String secret) {
        return ApiGatewayManagementApiClient.builder().endpointOverride(URI.create(harness.httpBase()))
                .region(DynamoDbLocal.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
