package dev.parley.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsJarTest {
    @TempDir
    Path repository;

    @Test
    void theDefaultIsTheFunctionsModulesShadedJarBesideInfraCdk() throws IOException {
        Path jar = jar(repository.resolve(FunctionsJar.DEFAULT_RELATIVE_PATH), Catalogue.ALL);

        assertThat(FunctionsJar.locate(moduleDir(), null).path()).isEqualTo(jar);
    }

    @Test
    void contextOverrideIsResolvedAgainstTheModuleDirectory() throws IOException {
        Path jar = jar(repository.resolve("elsewhere/custom.jar"), Catalogue.ALL);

        assertThat(FunctionsJar.locate(moduleDir(), "../elsewhere/custom.jar").path()).isEqualTo(jar);
    }

    @Test
    void aMissingJarFailsWithTheCommandThatBuildsIt() {
        assertThatThrownBy(() -> FunctionsJar.locate(moduleDir(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(repository.resolve(FunctionsJar.DEFAULT_RELATIVE_PATH).toString())
                .hasMessageContaining("mvn -pl functions -am package");
    }

    @Test
    void aJarWithoutAnyOneCatalogueHandlerIsRefusedNamingTheClass() throws IOException {
        for (FunctionSpec left : List.of(Catalogue.SEND, Catalogue.SYNC, Catalogue.FANOUT)) {
            jar(repository.resolve(FunctionsJar.DEFAULT_RELATIVE_PATH),
                    Catalogue.ALL.stream().filter(spec -> spec != left).toList());

            assertThatThrownBy(() -> FunctionsJar.locate(moduleDir(), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(left.handlerClass())
                    .hasMessageContaining("mvn -pl functions -am package");
        }
    }

    private Path moduleDir() throws IOException {
        return Files.createDirectories(repository.resolve("infra-cdk"));
    }

    private static Path jar(Path path, Collection<FunctionSpec> functions) throws IOException {
        Files.createDirectories(path.getParent());
        try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (FunctionSpec spec : functions) {
                zip.putNextEntry(new ZipEntry(spec.classFile()));
                zip.closeEntry();
            }
        }
        return path.toAbsolutePath().normalize();
    }
}
