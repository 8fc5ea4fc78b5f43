package dev.parley.local.functions;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.functions.wiring.HandlerSet;
import dev.parley.local.gateway.Integrations;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.protocol.FrameCodec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Loads the function code (Parley's functions and shared model, with its route {@link Catalogue})
 * in a class loader of its own, so
 * it can be loaded anew while the gateway, its connections and the AWS clients stay: what a
 * deploy on API Gateway does. Everything else (AWS SDK, aws-lambda-java types, Jackson) comes
 * from the runtime's own class path and is shared, which is why {@link HandlerSet#create} takes
 * only such types.
 *
 * <p>The code is read from the current build output when the runtime runs in a source checkout
 * ({@code functions/target/classes}, {@code shared-model/target/classes} under the directory
 * named by the {@code parley.home} system property, or the working directory), else from the
 * jars the runtime was started with.
 */
public final class FunctionLoader {
    private static final List<String> FUNCTION_PACKAGES = List.of("dev.parley.functions.", "dev.parley.model.");

    private final Map<String, String> environment;
    private final DynamoDbClient dynamo;
    private final Supplier<ApiGatewayManagementApiClient> management;
    private final Supplier<SqsClient> sqs;
    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;
    private final Clock clock;

    public FunctionLoader(Map<String, String> environment, DynamoDbClient dynamo,
                          Supplier<ApiGatewayManagementApiClient> management, Supplier<SqsClient> sqs,
                          Supplier<S3Client> s3, Supplier<S3Presigner> presigner, Clock clock) {
        this.s3 = s3;
        this.presigner = presigner;
        this.environment = environment;
        this.dynamo = dynamo;
        this.management = management;
        this.sqs = sqs;
        this.clock = clock;
    }

    /** New handler instances from freshly loaded classes. */
    @SuppressWarnings("unchecked")
    public FunctionHost load() {
        ClassLoader loader = new ChildFirstLoader(codeLocations(), FunctionLoader.class.getClassLoader());
        try {
            Class<?> handlerSet = loader.loadClass(HandlerSet.class.getName());
            Method create = handlerSet.getMethod("create", Map.class, DynamoDbClient.class, Supplier.class,
                    Supplier.class, Supplier.class, Supplier.class, Clock.class);
            Map<String, RequestHandler<?, ?>> handlers = (Map<String, RequestHandler<?, ?>>) create.invoke(
                    null, environment, dynamo, management, sqs, s3, presigner, clock);
            Class<?> catalogue = loader.loadClass(Catalogue.class.getName());
            Map<String, Integrations.Route> webSocketRoutes = new LinkedHashMap<>();
            for (Object route : (List<?>) catalogue.getMethod("webSocketRoutes").invoke(null)) {
                String key = (String) accessor(route, "routeKey");
                webSocketRoutes.put(key, new Integrations.Route(key, (Boolean) accessor(route, "twoWay")));
            }
            List<String> httpRoutes = new ArrayList<>();
            for (Object route : (List<?>) catalogue.getMethod("httpRoutes").invoke(null)) {
                httpRoutes.add((String) accessor(route, "routeKey"));
            }
            return new FunctionHost(handlers, webSocketRoutes, httpRoutes, loader);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the function code failed to initialize", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the function code could not be loaded", e);
        }
    }

    /** A record component of a catalogue entry, read across class loaders. */
    private static Object accessor(Object record, String name) throws ReflectiveOperationException {
        return record.getClass().getMethod(name).invoke(record);
    }

    static URL[] codeLocations() {
        Path home = Path.of(System.getProperty("parley.home", "."));
        List<URL> urls = new ArrayList<>();
        for (String[] module : new String[][] {{"functions", HandlerSet.class.getName()},
                {"shared-model", FrameCodec.class.getName()}}) {
            Path classes = home.resolve(module[0]).resolve("target/classes");
            try {
                urls.add(Files.isDirectory(classes) ? classes.toUri().toURL() : locationOf(module[1]));
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        return urls.toArray(URL[]::new);
    }

    private static URL locationOf(String className) {
        try {
            Class<?> type = Class.forName(className);
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
        } catch (ClassNotFoundException | URISyntaxException | MalformedURLException e) {
            throw new IllegalStateException("cannot find the code of " + className, e);
        }
    }

    /** Loads Parley's function classes itself, everything else from its parent. */
    private static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL[] urls, ClassLoader parent) {
            super("parley-functions", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (FUNCTION_PACKAGES.stream().noneMatch(name::startsWith)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
