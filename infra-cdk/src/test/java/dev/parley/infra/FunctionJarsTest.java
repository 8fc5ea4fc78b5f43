package dev.parley.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionJarsTest {
    @TempDir
    Path repository;

    @Test
    void theDefaultIsTheFunctionsModulesTargetFolderBesideInfraCdk() throws IOException {
        Path folder = jars(repository.resolve(FunctionJars.DEFAULT_RELATIVE_PATH), Catalogue.ALL);

        FunctionJars jars = FunctionJars.locate(moduleDir(), null);

        assertThat(jars.directory()).isEqualTo(folder);
        assertThat(jars.jar(Catalogue.CONNECT_AUTHORIZER)).isEqualTo(folder.resolve("parley-authorizer.jar"));
        assertThat(jars.jar(Catalogue.SEND)).isEqualTo(folder.resolve(Catalogue.SEND.family().jarName()));
    }

    @Test
    void contextOverrideIsResolvedAgainstTheModuleDirectory() throws IOException {
        Path folder = jars(repository.resolve("elsewhere"), Catalogue.ALL);

        assertThat(FunctionJars.locate(moduleDir(), "../elsewhere").directory()).isEqualTo(folder);
    }

    @Test
    void aMissingFamilyJarFailsNamingItAndTheCommandThatBuildsIt() throws IOException {
        Path folder = jars(repository.resolve(FunctionJars.DEFAULT_RELATIVE_PATH), Catalogue.ALL);
        Files.delete(folder.resolve(Family.AUTHORIZER.jarName()));

        assertThatThrownBy(() -> FunctionJars.locate(moduleDir(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(folder.resolve(Family.AUTHORIZER.jarName()).toString())
                .hasMessageContaining("mvn -pl functions -am package");
    }

    @Test
    void aFamilyJarWithoutAnyOneOfItsHandlersIsRefusedNamingTheClass() throws IOException {
        for (FunctionSpec left : List.of(Catalogue.SEND, Catalogue.SYNC, Catalogue.FANOUT, Catalogue.CONNECT_AUTHORIZER)) {
            jars(repository.resolve(FunctionJars.DEFAULT_RELATIVE_PATH),
                    Catalogue.ALL.stream().filter(spec -> spec != left).toList());

            assertThatThrownBy(() -> FunctionJars.locate(moduleDir(), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(left.handlerClass())
                    .hasMessageContaining(left.family().jarName())
                    .hasMessageContaining("mvn -pl functions -am package");
        }
    }

    /** A handler in another family's jar does not count: each function runs from its own family's. */
    @Test
    void aHandlerInTheWrongFamilysJarIsRefused() throws IOException {
        Path folder = jars(repository.resolve(FunctionJars.DEFAULT_RELATIVE_PATH), Catalogue.ALL);
        jar(folder.resolve(Family.ATTACHMENTS.jarName()), List.of());
        jar(folder.resolve(Family.ROUTES.jarName()), Catalogue.ALL.stream()
                .filter(spec -> spec.family() == Family.ROUTES || spec.family() == Family.ATTACHMENTS).toList());

        assertThatThrownBy(() -> FunctionJars.locate(moduleDir(), null))
                .hasMessageContaining(Catalogue.SEND.handlerClass());
    }

    @Test
    void eachFunctionIsDeployedFromItsFamilysJarAndEachFamilyIsOneAsset() {
        Map<String, String> assetByHandler = new HashMap<>();
        SynthesizedStack.TEMPLATE.findResources("AWS::Lambda::Function").values().forEach(resource -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            @SuppressWarnings("unchecked")
            Map<String, Object> code = (Map<String, Object>) properties.get("Code");
            assetByHandler.put((String) properties.get("Handler"), String.valueOf(code.get("S3Key")));
        });
        Map<Family, List<String>> assetsByFamily = Catalogue.ALL.stream().collect(Collectors.groupingBy(
                FunctionSpec::family, Collectors.mapping(spec -> assetByHandler.get(spec.lambdaHandler()),
                        Collectors.toList())));

        assetsByFamily.forEach((family, assets) -> assertThat(assets).as(family.id()).doesNotContainNull()
                .containsOnly(assets.get(0)));
        assertThat(assetsByFamily.values().stream().map(assets -> assets.get(0)).distinct())
                .as("one asset per family").hasSize(assetsByFamily.size());
    }

    private Path moduleDir() throws IOException {
        return Files.createDirectories(repository.resolve("infra-cdk"));
    }

    /** One jar per family, holding the handlers of these functions that belong to it. */
    private static Path jars(Path folder, List<FunctionSpec> functions) throws IOException {
        Files.createDirectories(folder);
        for (Family family : Family.values()) {
            jar(folder.resolve(family.jarName()), functions.stream().filter(spec -> spec.family() == family).toList());
        }
        return folder.toAbsolutePath().normalize();
    }

    private static void jar(Path path, List<FunctionSpec> functions) throws IOException {
        try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("README.txt"));
            zip.closeEntry();
            for (FunctionSpec spec : functions) {
                zip.putNextEntry(new ZipEntry(spec.classFile()));
                zip.closeEntry();
            }
        }
    }
}
