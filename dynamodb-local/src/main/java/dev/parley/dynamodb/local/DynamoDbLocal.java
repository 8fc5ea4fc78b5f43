package dev.parley.dynamodb.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local from Maven Central, serving on a loopback port inside this JVM. Clients reach it
 * over HTTP with the real AWS SDK, so retries, interceptors and consumed capacity behave as they do
 * against DynamoDB. {@code -sharedDb} makes every credential and region see the same tables.
 *
 * <p>DynamoDB Local accepts any credentials, so whoever reaches its port can read and rewrite every
 * table. Its command line has no option for the address it listens on, and it listens on every
 * interface; {@link #start} therefore binds its Jetty connector to {@value #LOOPBACK} before it
 * starts, and refuses to start if it cannot (docs/security.md, "DynamoDB Local").
 */
public final class DynamoDbLocal implements AutoCloseable {
    public static final Region REGION = Region.US_EAST_1;
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    private static final String NATIVE_LIBRARY_PROPERTY = "sqlite4java.library.path";
    /** The only address DynamoDB Local listens on. */
    public static final String LOOPBACK = "127.0.0.1";

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private DynamoDbLocal(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * Starts DynamoDB Local. With a data directory, tables live in a file there and survive a
     * restart; without one, in memory.
     */
    public static DynamoDbLocal start(Optional<Path> dataDirectory) {
        ensureNativeLibraryPath();
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb", "-disableTelemetry"));
        if (dataDirectory.isPresent()) {
            try {
                Files.createDirectories(dataDirectory.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + dataDirectory.get(), e);
            }
            args.addAll(List.of("-dbPath", dataDirectory.get().toAbsolutePath().toString()));
        } else {
            args.add("-inMemory");
        }
        // DynamoDB Local prints a banner on standard output, which belongs to the runtime's READY line.
        PrintStream out = System.out;
        System.setOut(System.err);
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            bindToLoopback(server);
            server.start();
            return new DynamoDbLocal(server, URI.create("http://" + LOOPBACK + ":" + port));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        } finally {
            System.setOut(out);
        }
    }

    /**
     * DynamoDB Local builds its Jetty server with {@code new Server(port)}: one connector on every
     * interface. Its host is set to loopback before the server starts; anything unexpected (a
     * DynamoDB Local version built otherwise) stops the start rather than expose the tables.
     */
    private static void bindToLoopback(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        Connector[] connectors = jetty.getConnectors();
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local has no connector to bind to " + LOOPBACK);
        }
        for (Connector connector : connectors) {
            if (!(connector instanceof ServerConnector network)) {
                throw new IllegalStateException("DynamoDB Local has a connector that cannot be bound to " + LOOPBACK
                        + ": " + connector);
            }
            network.setHost(LOOPBACK);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A real SDK client pointed at this server, with the given interceptors (fault injection, metering). */
    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        for (ExecutionInterceptor interceptor : interceptors) {
            override.addExecutionInterceptor(interceptor);
        }
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override.build())
                .build();
    }

    public DynamoDbStreamsClient streamsClient() {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }

    /**
     * sqlite4java loads its native library from the folder this property names. The build copies
     * it to {@code target/native-libs} of the modules that run DynamoDB Local; when the property
     * is unset (an IDE run), look there.
     */
    private static void ensureNativeLibraryPath() {
        if (System.getProperty(NATIVE_LIBRARY_PROPERTY) != null) {
            return;
        }
        for (String candidate : List.of("target/native-libs", "../dynamodb-local/target/native-libs",
                "dynamodb-local/target/native-libs")) {
            Path path = Path.of(candidate);
            if (Files.isDirectory(path)) {
                System.setProperty(NATIVE_LIBRARY_PROPERTY, path.toAbsolutePath().toString());
                return;
            }
        }
        throw new IllegalStateException("set -D" + NATIVE_LIBRARY_PROPERTY
                + " to a folder holding libsqlite4java-linux-amd64.so (mvn package copies it to target/native-libs)");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
