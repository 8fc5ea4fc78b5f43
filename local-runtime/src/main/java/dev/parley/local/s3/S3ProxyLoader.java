package dev.parley.local.s3;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Starts S3Proxy (Maven Central) in a class loader of its own: S3Proxy runs on Jetty 11, the local
 * runtime on Jetty 12, and the two cannot share a class path. The loader holds the s3-local module
 * (its launcher) and S3Proxy's class path as that module's build recorded it; its parent is the
 * platform class loader, so nothing of the runtime's class path leaks in.
 */
final class S3ProxyLoader {
    private static final String LAUNCHER = "dev.parley.s3.local.S3ProxyLauncher";
    private static final String CLASSPATH = "dev/parley/s3/local/s3proxy.classpath";

    private S3ProxyLoader() {}

    /** A started S3Proxy: close it to stop it. */
    record Started(AutoCloseable server, int port) {}

    static Started start(Map<String, String> settings) throws Exception {
        URLClassLoader loader = new URLClassLoader("s3proxy", classPath(), ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // jclouds finds its providers through the context class loader (ServiceLoader), and the
        // threads S3Proxy starts inherit it.
        thread.setContextClassLoader(loader);
        try {
            Object launcher = loader.loadClass(LAUNCHER).getConstructor(Map.class).newInstance(settings);
            AutoCloseable server = () -> {
                try {
                    ((AutoCloseable) launcher).close();
                } finally {
                    loader.close();
                }
            };
            return new Started(server, ((IntSupplier) launcher).getAsInt());
        } catch (InvocationTargetException failed) {
            loader.close();
            throw failed.getCause() instanceof Exception cause ? cause : failed;
        } catch (ReflectiveOperationException | RuntimeException failed) {
            loader.close();
            throw failed;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The launcher's own location, then every jar of S3Proxy's recorded class path. */
    private static URL[] classPath() {
        URL launcher = S3ProxyLoader.class.getClassLoader().getResource(CLASSPATH);
        if (launcher == null) {
            throw new IllegalStateException("the s3-local module is not on the class path (" + CLASSPATH + " missing)");
        }
        List<URL> urls = new ArrayList<>();
        try (InputStream in = launcher.openStream()) {
            urls.add(codeLocation(launcher));
            String recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String entry : recorded.split(File.pathSeparator)) {
                Path jar = Path.of(entry);
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException("S3Proxy's class path names " + jar
                            + ", which is missing: rebuild with `mvn -pl local-runtime -am install`");
                }
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CLASSPATH, e);
        }
        return urls.toArray(URL[]::new);
    }

    /** The jar or classes directory holding a resource of the s3-local module. */
    private static URL codeLocation(URL resource) throws MalformedURLException {
        String url = resource.toString();
        if (url.startsWith("jar:")) {
            return new URL(url.substring(4, url.indexOf("!/")));
        }
        try {
            Path file = Path.of(resource.toURI());
            int depth = CLASSPATH.split("/").length;
            for (int i = 0; i < depth; i++) {
                file = file.getParent();
            }
            return file.toUri().toURL();
        } catch (URISyntaxException e) {
            throw new MalformedURLException(e.getMessage());
        }
    }
}
