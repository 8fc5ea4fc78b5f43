package dev.parley.s3.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntSupplier;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * Starts S3Proxy on a jclouds filesystem blob store: one directory per bucket under
 * {@code directory}, object metadata (content type, ...) beside each object. Runs inside the class
 * loader that holds S3Proxy's own dependencies (Jetty 11, ...), so its constructor takes and its
 * interfaces expose JDK types only: the local runtime creates it reflectively and uses it as an
 * {@link AutoCloseable} and an {@link IntSupplier} (the port).
 *
 * <p>Settings: {@code directory}, {@code bucket} (created when missing), {@code identity} and
 * {@code credential} (requests must be signed with these, SigV4 or SigV2, as S3 requires).
 */
public final class S3ProxyLauncher implements AutoCloseable, IntSupplier {
    private final BlobStoreContext context;
    private final S3Proxy proxy;

    public S3ProxyLauncher(Map<String, String> settings) throws Exception {
        Path directory = Path.of(settings.get("directory"));
        Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
        BlobStore store = context.getBlobStore();
        store.createContainerInLocation(null, settings.get("bucket"));
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, settings.get("identity"), settings.get("credential"))
                // The deployed bucket's CORS rule: browsers PUT and GET through presigned URLs from any origin.
                .corsRules(new CrossOriginResourceSharing(List.of("*"), List.of("GET", "PUT", "HEAD"), List.of("*"),
                        List.of("ETag"), "false"))
                .build();
        try {
            proxy.start();
        } catch (Exception failed) {
            context.close();
            throw failed;
        }
    }

    /** The port S3Proxy listens on, on 127.0.0.1. */
    @Override
    public int getAsInt() {
        return proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
