package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * The shaded jar that holds every handler of the {@link Catalogue}. The functions module builds
 * it; this app only points Lambda at it, so a missing jar, or one without a catalogue handler (a
 * stale build), is a build-order mistake reported before anything is synthesized: a function whose
 * class is missing would fail at its first invocation, or fail the SnapStart publish of the deploy.
 *
 * @param path absolute path of the jar
 */
public record FunctionsJar(Path path) {
    /** CDK context key overriding the jar's location: {@code cdk synth -c functionsJar=PATH}. */
    public static final String CONTEXT_KEY = "functionsJar";

    /** Where the functions module leaves the jar, relative to the repository root. */
    public static final String DEFAULT_RELATIVE_PATH = "functions/target/parley-functions.jar";

    static final String BUILD_HINT = "run `mvn -pl functions -am package` first (from the repository root), "
            + "or point -c " + CONTEXT_KEY + "=PATH at a built jar";

    /**
     * The jar to deploy: the context override if given (relative paths against {@code moduleDir}),
     * else {@link #DEFAULT_RELATIVE_PATH} under the parent of {@code moduleDir}.
     *
     * @param moduleDir the infra-cdk directory, where {@code cdk} and Maven run
     * @throws IllegalStateException naming the path, the missing handler classes and the command
     *     that builds the jar, if the jar is absent or lacks a catalogue handler
     */
    public static FunctionsJar locate(Path moduleDir, Object contextOverride) {
        Path jar = contextOverride != null
                ? moduleDir.resolve(contextOverride.toString())
                : moduleDir.toAbsolutePath().getParent().resolve(DEFAULT_RELATIVE_PATH);
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The functions jar " + jar + " does not exist: " + BUILD_HINT + ".");
        }
        List<String> missing = missingHandlers(jar, Catalogue.ALL);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The functions jar " + jar + " lacks the handler class(es) " + missing
                    + " of the catalogue: it is stale or not the shaded jar; " + BUILD_HINT + ".");
        }
        return new FunctionsJar(jar);
    }

    /** The handler classes of these functions that are not in the jar. */
    static List<String> missingHandlers(Path jar, List<FunctionSpec> functions) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return functions.stream()
                    .filter(spec -> zip.getEntry(spec.classFile()) == null)
                    .map(FunctionSpec::handlerClass)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the functions jar " + jar + " as a zip file", e);
        }
    }
}
