package dev.parley.local.gateway;

import dev.parley.model.aws.AwsLimits;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * AWS Signature Version 4 on the local {@code @connections} API, checked as IAM checks requests to
 * API Gateway's {@code execute-api}: the {@code Authorization} header must name the one local key
 * pair (the credentials the runtime hands its functions), be scoped to the local region and
 * {@code execute-api}, be dated within {@link AwsLimits#SIGNATURE_CLOCK_SKEW} of now, and carry the
 * signature the AWS SDK's own SigV4 signer computes over the request as received (method, path,
 * query, the headers it names as signed, the body). Signatures are compared in constant time.
 *
 * <p>Refusals are 403 with API Gateway's error types and messages ({@code
 * MissingAuthenticationTokenException}, {@code IncompleteSignatureException}, {@code
 * UnrecognizedClientException}, {@code InvalidSignatureException}); the messages never echo the
 * request. Presigned (query-string) signatures are not accepted: the SDK clients sign headers.
 */
public final class SignatureCheck {
    public static final String SERVICE = "execute-api";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    @SuppressWarnings("deprecation")
    private static final Aws4Signer SIGNER = Aws4Signer.create();
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Why a request was refused: the {@code x-amzn-ErrorType} and the {@code message} of the 403 body. */
    public record Refusal(String errorType, String message) {
        static Refusal missingToken() {
            return new Refusal("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        static Refusal incomplete(String message) {
            return new Refusal("IncompleteSignatureException", message);
        }

        static Refusal invalid(String message) {
            return new Refusal("InvalidSignatureException", message);
        }
    }

    /** The parts of a received request the signature covers; {@code rawPath} and {@code rawQuery} as sent (encoded). */
    public record Received(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {}

    /** Header lookup by name, case-insensitive; every value of a repeated header in order. */
    @FunctionalInterface
    public interface Headers {
        List<String> values(String name);

        default Optional<String> first(String name) {
            List<String> values = values(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /** A parsed {@code Authorization} header whose key, scope and date passed. */
    public record Authorization(Instant signedAt, List<String> signedHeaders, String signature) {}

    /** Either an authorization to verify against the body, or a refusal. */
    public record Outcome(Authorization authorization, Refusal refusal) {
        static Outcome refused(Refusal refusal) {
            return new Outcome(null, refusal);
        }
    }

    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final Clock clock;

    public SignatureCheck(AwsCredentialsIdentity credentials, String region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    /**
     * The checks that need no body, made before the body is read: the header is complete, names the
     * local key, is scoped to this region and {@code execute-api}, and is dated within the skew.
     */
    public Outcome authorize(Headers headers) {
        Optional<String> header = headers.first("Authorization");
        if (header.isEmpty()) {
            return Outcome.refused(Refusal.missingToken());
        }
        String value = header.get().trim();
        if (!value.startsWith(ALGORITHM + " ")) {
            return Outcome.refused(Refusal.incomplete("Authorization header requires the " + ALGORITHM + " algorithm"));
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : value.substring(ALGORITHM.length()).split(",")) {
            String field = part.trim();
            int equals = field.indexOf('=');
            if (equals <= 0) {
                return Outcome.refused(Refusal.incomplete("a part of the Authorization header is not a valid key=value pair"));
            }
            String content = field.substring(equals + 1);
            switch (field.substring(0, equals)) {
                case "Credential" -> credential = content;
                case "SignedHeaders" -> signedHeaders = content;
                case "Signature" -> signature = content;
                default -> { }
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            return Outcome.refused(Refusal.incomplete(
                    "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters"));
        }
        Optional<String> amzDate = headers.first("X-Amz-Date");
        if (amzDate.isEmpty()) {
            return Outcome.refused(Refusal.incomplete("Authorization header requires existence of a 'X-Amz-Date' header"));
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
            return Outcome.refused(Refusal.incomplete("the Credential of the Authorization header is not a valid scope"));
        }
        if (!MessageDigest.isEqual(bytes(scope[0]), bytes(credentials.accessKeyId()))) {
            return Outcome.refused(new Refusal("UnrecognizedClientException",
                    "The security token included in the request is invalid."));
        }
        if (!SERVICE.equals(scope[3])) {
            return Outcome.refused(Refusal.invalid("Credential should be scoped to correct service: '" + SERVICE + "'."));
        }
        if (!region.equals(scope[2])) {
            return Outcome.refused(Refusal.invalid("Credential should be scoped to a valid region."));
        }
        Instant signedAt;
        try {
            signedAt = AMZ_DATE.parse(amzDate.get(), Instant::from);
        } catch (DateTimeParseException e) {
            return Outcome.refused(Refusal.incomplete("the X-Amz-Date header is not an ISO 8601 basic date and time"));
        }
        if (!amzDate.get().startsWith(scope[1])) {
            return Outcome.refused(Refusal.invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date"));
        }
        Instant now = clock.instant();
        Duration skew = AwsLimits.SIGNATURE_CLOCK_SKEW;
        String window = skew.toMinutes() + " min.";
        if (signedAt.isBefore(now.minus(skew))) {
            return Outcome.refused(Refusal.invalid("Signature expired: " + amzDate.get() + " is now earlier than "
                    + AMZ_DATE.format(now.minus(skew)) + " (" + AMZ_DATE.format(now) + " - " + window + ")"));
        }
        if (signedAt.isAfter(now.plus(skew))) {
            return Outcome.refused(Refusal.invalid("Signature not yet current: " + amzDate.get() + " is still later than "
                    + AMZ_DATE.format(now.plus(skew)) + " (" + AMZ_DATE.format(now) + " + " + window + ")"));
        }
        List<String> names = Arrays.stream(signedHeaders.split(";")).map(name -> name.toLowerCase(Locale.ROOT)).toList();
        if (!names.contains("host")) {
            return Outcome.refused(Refusal.invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
        }
        return new Outcome(new Authorization(signedAt, names, signature), null);
    }

    /**
     * The signature the SDK's signer computes over {@code request} with the local credentials, at
     * the request's own date, over exactly the headers the request says it signed, compared in
     * constant time with the one it carries: empty when equal.
     *
     * <p>The SDK's {@code Aws4Signer} recomputes it, not its newer {@code AwsV4HttpSigner}: the newer
     * one always adds and signs {@code x-amz-content-sha256}, which other signers (the AWS CLI's
     * botocore, for one) neither send nor sign for {@code execute-api}, so it could not reproduce
     * their signatures. {@code Aws4Signer} signs the headers it is given; both canonicalize the
     * path the same way (double URL-encoded, normalized).
     */
    @SuppressWarnings("deprecation")
    public Optional<Refusal> verify(Authorization authorization, Received request) {
        // The signer writes the Host header from the request's host and port: give it the received one.
        String host = request.headers().first("Host").orElse("");
        int colon = host.lastIndexOf(':');
        boolean withPort = colon > host.lastIndexOf(']');
        if (withPort && !host.substring(colon + 1).matches("[0-9]{1,5}")) {
            return Optional.of(mismatch());
        }
        SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol("http")
                .host(withPort ? host.substring(0, colon) : host)
                .port(withPort ? Integer.parseInt(host.substring(colon + 1)) : 80)
                .encodedPath(request.rawPath())
                .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(request.body()));
        if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
            for (String pair : request.rawQuery().split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                unsigned.appendRawQueryParameter(decode(name), decode(value));
            }
        }
        for (String name : authorization.signedHeaders()) {
            List<String> values = request.headers().values(name);
            if (values == null || values.isEmpty()) {
                return Optional.of(mismatch());
            }
            unsigned.putHeader(name.equals("host") ? "Host" : name, values);
        }
        Aws4SignerParams params = Aws4SignerParams.builder()
                .awsCredentials(AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()))
                .signingName(SERVICE)
                .signingRegion(Region.of(region))
                .signingClockOverride(Clock.fixed(authorization.signedAt(), ZoneOffset.UTC))
                .build();
        String expected = SIGNER.sign(unsigned.build(), params).firstMatchingHeader("Authorization").orElse("");
        String computed = expected.substring(expected.indexOf("Signature=") + "Signature=".length());
        String signedNames = expected.replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
        boolean same = MessageDigest.isEqual(bytes(computed), bytes(authorization.signature()))
                & signedNames.equals(String.join(";", authorization.signedHeaders()));
        return same ? Optional.empty() : Optional.of(mismatch());
    }

    private static Refusal mismatch() {
        return Refusal.invalid("The request signature we calculated does not match the signature you provided. Check your "
                + "AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
