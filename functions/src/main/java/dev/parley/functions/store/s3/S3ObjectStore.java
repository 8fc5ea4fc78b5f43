package dev.parley.functions.store.s3;

import dev.parley.functions.store.ObjectStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;

/**
 * {@link ObjectStore} on one S3 bucket, through the SDK's S3 client and presigner (built on first
 * use: a route that presigns nothing never builds the client, and the reverse).
 */
public final class S3ObjectStore implements ObjectStore {
    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;
    private final String bucket;

    public S3ObjectStore(Supplier<S3Client> s3, Supplier<S3Presigner> presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    /**
     * A missing key answers 404; it answers 403 instead when the caller may not list the bucket,
     * as the functions may not (S3's HeadObject documentation), so both mean "no such object".
     */
    @Override
    public Optional<Head> head(String key) {
        try {
            HeadObjectResponse head = s3.get().headObject(h -> h.bucket(bucket).key(key));
            return Optional.of(new Head(head.contentLength() == null ? 0 : head.contentLength(), head.contentType()));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception failed) {
            if (failed.statusCode() == 404 || failed.statusCode() == 403) {
                return Optional.empty();
            }
            throw failed;
        }
    }

    @Override
    public Presigned presignPut(String key, String contentType, long size, Duration validFor) {
        return presigned(presigner.get().presignPutObject(p -> p.signatureDuration(validFor)
                .putObjectRequest(put -> put.bucket(bucket).key(key).contentType(contentType).contentLength(size))));
    }

    @Override
    public Presigned presignGet(String key, Duration validFor) {
        return presigned(presigner.get().presignGetObject(p -> p.signatureDuration(validFor)
                .getObjectRequest(get -> get.bucket(bucket).key(key))));
    }

    @Override
    public InputStream read(String key) {
        return s3.get().getObject(get -> get.bucket(bucket).key(key));
    }

    @Override
    public void write(String key, byte[] content, String contentType) {
        s3.get().putObject(put -> put.bucket(bucket).key(key).contentType(contentType).contentLength((long) content.length),
                RequestBody.fromBytes(content));
    }

    /** The headers a client must send as signed, but {@code host}, which every HTTP client sets itself. */
    private static Presigned presigned(PresignedRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : request.signedHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("host")) {
                headers.put(header.getKey(), String.join(",", header.getValue()));
            }
        }
        return new Presigned(URI.create(request.url().toString()), headers, request.expiration());
    }
}
