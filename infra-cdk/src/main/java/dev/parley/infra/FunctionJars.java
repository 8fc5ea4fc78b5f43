package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * The shaded jars of the function families ({@link Family}), one per family, each holding the
 * handlers of its catalogue functions. The functions module builds them; this app only points each
 * Lambda function at its family's jar, so a missing jar, or one without a handler of its family (a
 * stale build), is a build-order mistake reported before anything is synthesized: a function whose
 * class is missing would fail at its first invocation, or fail the SnapStart publish of the deploy.
 *
 * @param directory absolute path of the folder holding {@code parley-<family>.jar}
 */
public record FunctionJars(Path directory) {
    /** CDK context key overriding the jars' folder: {@code cdk synth -c functionJars=PATH}. */
    public static final String CONTEXT_KEY = "functionJars";

    /** Where the functions module leaves the jars, relative to the repository root. */
    public static final String DEFAULT_RELATIVE_PATH = "functions/target";

    static final String BUILD_HINT = "run `mvn -pl functions -am package` first (from the repository root), "
            + "or point -c " + CONTEXT_KEY + "=PATH at a folder of built jars";

    /**
     * The jars to deploy: in the context override's folder if given (relative paths against
     * {@code moduleDir}), else in {@link #DEFAULT_RELATIVE_PATH} under the parent of {@code moduleDir}.
     *
     * @param moduleDir the infra-cdk directory, where {@code cdk} and Maven run
     * @throws IllegalStateException naming the jar, the missing handler classes and the command that
     *     builds the jars, if a family's jar is absent or lacks a handler of its family
     */
    public static FunctionJars locate(Path moduleDir, Object contextOverride) {
        Path directory = contextOverride != null
                ? moduleDir.resolve(contextOverride.toString())
                : moduleDir.toAbsolutePath().getParent().resolve(DEFAULT_RELATIVE_PATH);
        FunctionJars jars = new FunctionJars(directory.toAbsolutePath().normalize());
        List<String> problems = new ArrayList<>();
        jars.byFamily().forEach((family, jar) -> {
            if (!Files.isRegularFile(jar)) {
                problems.add("the " + family.id() + " jar " + jar + " does not exist");
                return;
            }
            List<String> missing = missingHandlers(jar,
                    Catalogue.ALL.stream().filter(spec -> spec.family() == family).toList());
            if (!missing.isEmpty()) {
                problems.add("the " + family.id() + " jar " + jar + " lacks the handler class(es) " + missing
                        + " of the catalogue: it is stale or not the shaded jar");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The function jars are not ready: " + String.join("; ", problems)
                    + "; " + BUILD_HINT + ".");
        }
        return jars;
    }

    /** The jar a function is deployed from: its family's. */
    public Path jar(FunctionSpec spec) {
        return jar(spec.family());
    }

    public Path jar(Family family) {
        return directory.resolve(family.jarName());
    }

    /** Every family that has a function in the catalogue, with its jar. */
    Map<Family, Path> byFamily() {
        Map<Family, Path> jars = new EnumMap<>(Family.class);
        Catalogue.ALL.forEach(spec -> jars.put(spec.family(), jar(spec.family())));
        return jars;
    }

    /** The handler classes of these functions that are not in the jar. */
    static List<String> missingHandlers(Path jar, List<FunctionSpec> functions) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return functions.stream()
                    .filter(spec -> zip.getEntry(spec.classFile()) == null)
                    .map(FunctionSpec::handlerClass)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the function jar " + jar + " as a zip file", e);
        }
    }
}
