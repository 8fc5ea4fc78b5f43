package dev.parley.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsJarTest {
    @TempDir
    Path repository;

    @Test
    void theDefaultIsTheFunctionsModulesShadedJarBesideInfraCdk() throws IOException {
        Path jar = jar(repository.resolve(FunctionsJar.DEFAULT_RELATIVE_PATH), EnumSet.allOf(ParleyHandler.class));

        FunctionsJar located = FunctionsJar.locate(moduleDir(), null);

        assertThat(located.path()).isEqualTo(jar);
        assertThat(located.handlers()).containsExactlyInAnyOrder(ParleyHandler.values());
    }

    @Test
    void contextOverrideIsResolvedAgainstTheModuleDirectory() throws IOException {
        Path jar = jar(repository.resolve("elsewhere/custom.jar"), EnumSet.allOf(ParleyHandler.class));

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
    void aJarWithoutARequiredHandlerIsRefused() throws IOException {
        EnumSet<ParleyHandler> withoutSend = EnumSet.allOf(ParleyHandler.class);
        withoutSend.remove(ParleyHandler.SEND);
        jar(repository.resolve(FunctionsJar.DEFAULT_RELATIVE_PATH), withoutSend);

        assertThatThrownBy(() -> FunctionsJar.locate(moduleDir(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ParleyHandler.SEND.handler())
                .hasMessageContaining("mvn -pl functions -am package");
    }

    @Test
    void handlersNotYetBuiltAreLeftOutInsteadOfFailingTheDeploy() throws IOException {
        EnumSet<ParleyHandler> requiredOnly = EnumSet.noneOf(ParleyHandler.class);
        Arrays.stream(ParleyHandler.values()).filter(ParleyHandler::required).forEach(requiredOnly::add);
        jar(repository.resolve(FunctionsJar.DEFAULT_RELATIVE_PATH), requiredOnly);

        FunctionsJar located = FunctionsJar.locate(moduleDir(), null);

        assertThat(located.handlers()).isEqualTo(requiredOnly)
                .doesNotContain(ParleyHandler.SYNC, ParleyHandler.HISTORY, ParleyHandler.ACK, ParleyHandler.READ);
    }

    private Path moduleDir() throws IOException {
        return Files.createDirectories(repository.resolve("infra-cdk"));
    }

    private static Path jar(Path path, Collection<ParleyHandler> handlers) throws IOException {
        Files.createDirectories(path.getParent());
        try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ParleyHandler handler : handlers) {
                zip.putNextEntry(new ZipEntry(handler.classFile()));
                zip.closeEntry();
            }
        }
        return path.toAbsolutePath().normalize();
    }
}
