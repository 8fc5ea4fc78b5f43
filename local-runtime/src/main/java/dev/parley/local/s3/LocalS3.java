package dev.parley.local.s3;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.parley.dynamodb.local.DynamoDbLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The local runtime's S3: S3Proxy (a real S3-compatible server, from Maven Central) on a jclouds
 * filesystem store, behind a front on 127.0.0.1 that forwards every request unchanged (Host
 * included, so SigV4 signatures and presigned URLs verify) and, after each successful object
 * creation, delivers an S3 event notification to the object-created function, asynchronously, as
 * S3 does. Clients (the functions' SDK client and presigner, browsers with presigned URLs) reach
 * the front, path-style: {@code http://127.0.0.1:PORT/bucket/key}.
 *
 * <p>Objects live under {@code <data>/s3} with {@code --data}, else in a temporary directory
 * removed on close.
 */
public final class LocalS3 implements AutoCloseable {
    private final S3ProxyLoader.Started s3proxy;
    private final Server front;
    private final ObjectCreatedNotifier notifier;
    private final URI endpoint;
    private final Optional<Path> temporary;

    private LocalS3(S3ProxyLoader.Started s3proxy, Server front, ObjectCreatedNotifier notifier, URI endpoint,
                    Optional<Path> temporary) {
        this.s3proxy = s3proxy;
        this.front = front;
        this.notifier = notifier;
        this.endpoint = endpoint;
        this.temporary = temporary;
    }

    /**
     * Starts S3Proxy with {@code bucket} and the front.
     *
     * @param directory      where objects are kept (created when missing); empty: a temporary directory
     * @param objectCreated  the object-created function, given one event per created object under
     *                       {@code prefix} (the bucket's notification configuration)
     */
    public static LocalS3 start(Optional<Path> directory, String bucket, String prefix, Consumer<S3Event> objectCreated)
            throws Exception {
        Optional<Path> temporary = directory.isPresent() ? Optional.empty()
                : Optional.of(Files.createTempDirectory("parley-s3-"));
        Path root = directory.orElseGet(temporary::get);
        S3ProxyLoader.Started s3proxy = S3ProxyLoader.start(Map.of("directory", root.toString(), "bucket", bucket,
                "identity", accessKeyId(), "credential", secretKey()));
        ObjectCreatedNotifier notifier = new ObjectCreatedNotifier(bucket, prefix, objectCreated);
        try {
            QueuedThreadPool threads = new QueuedThreadPool(64, 2);
            threads.setName("parley-s3-front");
            Server front = new Server(threads);
            ServerConnector connector = new ServerConnector(front);
            connector.setHost(DynamoDbLocal.LOOPBACK);
            connector.setPort(0);
            front.addConnector(connector);
            front.setHandler(new NotifyingProxy(request -> HttpURI.build(request.getHttpURI())
                    .scheme("http").host(DynamoDbLocal.LOOPBACK).port(s3proxy.port()), notifier));
            front.start();
            URI endpoint = URI.create("http://" + DynamoDbLocal.LOOPBACK + ":" + connector.getLocalPort());
            return new LocalS3(s3proxy, front, notifier, endpoint, temporary);
        } catch (Exception | Error failed) {
            notifier.close();
            s3proxy.server().close();
            throw failed;
        }
    }

    /** The endpoint clients use (the front), path-style. */
    public URI endpoint() {
        return endpoint;
    }

    /** An S3 client on this server with the local credentials, as the functions have one. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true)
                .region(DynamoDbLocal.REGION).credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** A presigner for this server with the local credentials. */
    public S3Presigner presigner() {
        return S3Presigner.builder().endpointOverride(endpoint).region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    @Override
    public void close() throws Exception {
        try {
            front.stop();
            notifier.close();
        } finally {
            s3proxy.server().close();
            temporary.ifPresent(LocalS3::deleteQuietly);
        }
    }

    private static String accessKeyId() {
        return DynamoDbLocal.CREDENTIALS.resolveCredentials().accessKeyId();
    }

    private static String secretKey() {
        return DynamoDbLocal.CREDENTIALS.resolveCredentials().secretAccessKey();
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
