package dev.parley.functions.store;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The attachments bucket: S3 on AWS, the local runtime's S3-compatible server locally, both
 * through the AWS SDK's S3 client and presigner.
 */
public interface ObjectStore {
    /** What HeadObject tells about a stored object. */
    record Head(long size, String contentType) {}

    /** A presigned request: its URL, the headers the client must send as they are, and when it stops working. */
    record Presigned(URI url, Map<String, String> headers, Instant expiresAt) {}

    /** The object's size and type, or empty when no object has that key. */
    Optional<Head> head(String key);

    /**
     * A PUT of exactly {@code size} bytes of {@code contentType}: both are signed, so an upload of
     * another length or type is refused by the store itself.
     */
    Presigned presignPut(String key, String contentType, long size, Duration validFor);

    Presigned presignGet(String key, Duration validFor);

    /** The object's content; the caller closes it. */
    InputStream read(String key);

    void write(String key, byte[] content, String contentType);
}
