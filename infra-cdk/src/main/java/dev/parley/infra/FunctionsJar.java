package dev.parley.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * The one shaded jar that holds every handler, and which of Parley's handlers it contains. The
 * functions module builds it; this app only points Lambda at it, so a missing jar (or a missing
 * required handler) is a build-order mistake reported before anything is synthesized.
 *
 * @param path     absolute path of the jar
 * @param handlers the handlers whose class is in the jar
 */
public record FunctionsJar(Path path, Set<ParleyHandler> handlers) {
    /** CDK context key overriding the jar's location: {@code cdk synth -c functionsJar=PATH}. */
    public static final String CONTEXT_KEY = "functionsJar";

    /** Where the functions module leaves the jar, relative to the repository root. */
    public static final String DEFAULT_RELATIVE_PATH = "functions/target/parley-functions.jar";

    static final String BUILD_HINT = "run `mvn -pl functions -am package` first (from the repository root), "
            + "or point -c " + CONTEXT_KEY + "=PATH at a built jar";

    public FunctionsJar {
        handlers = Set.copyOf(handlers);
    }

    /**
     * The jar to deploy: the context override if given (relative paths against {@code moduleDir}),
     * else {@link #DEFAULT_RELATIVE_PATH} under the parent of {@code moduleDir}.
     *
     * @param moduleDir the infra-cdk directory, where {@code cdk} and Maven run
     * @throws IllegalStateException naming the path and the command that builds it, if the jar is
     *     absent or lacks a {@linkplain ParleyHandler#required() required} handler
     */
    public static FunctionsJar locate(Path moduleDir, Object contextOverride) {
        Path jar = contextOverride != null
                ? moduleDir.resolve(contextOverride.toString())
                : moduleDir.toAbsolutePath().getParent().resolve(DEFAULT_RELATIVE_PATH);
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The functions jar " + jar + " does not exist: " + BUILD_HINT + ".");
        }
        Set<ParleyHandler> present = handlersIn(jar);
        List<String> missing = Arrays.stream(ParleyHandler.values())
                .filter(ParleyHandler::required)
                .filter(handler -> !present.contains(handler))
                .map(ParleyHandler::handler)
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The functions jar " + jar + " lacks " + missing + ": it is stale or "
                    + "not the shaded jar; " + BUILD_HINT + ".");
        }
        return new FunctionsJar(jar, present);
    }

    private static Set<ParleyHandler> handlersIn(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Set<ParleyHandler> present = EnumSet.noneOf(ParleyHandler.class);
            for (ParleyHandler handler : ParleyHandler.values()) {
                if (zip.getEntry(handler.classFile()) != null) {
                    present.add(handler);
                }
            }
            return present;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the functions jar " + jar + " as a zip file", e);
        }
    }
}
