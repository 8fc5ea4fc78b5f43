package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local {@code @connections} API as the AWS CLI calls it ({@code aws apigatewaymanagementapi
 * post-to-connection --endpoint-url ...}): signed with the local credentials it delivers, signed
 * with another secret it is refused with 403 and delivers nothing. A client other than the Java
 * SDK checks that the local signature check is SigV4 as AWS specifies it, not as one SDK does it.
 * Skipped when {@code aws} is not on the PATH.
 */
class ConnectionsApiCliTest {
    private static Path aws;

    @BeforeAll
    static void findTheCli() {
        aws = onPath("aws").orElse(null);
        Assumptions.assumeTrue(aws != null, "the AWS CLI (aws) is not on the PATH: install it (apt-get install awscli) to run this test");
    }

    private static Optional<Path> onPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private record Run(int exit, String output) {}

    /** {@code aws apigatewaymanagementapi post-to-connection} with only the given credentials (no profile, no instance metadata). */
    private static Run post(String connectionId, Path frame, String secret, Path home) throws Exception {
        List<String> command = new ArrayList<>(List.of(aws.toString(), "apigatewaymanagementapi", "post-to-connection",
                "--connection-id", connectionId, "--data", "fileb://" + frame, "--endpoint-url",
                Parley.runtime().connectionsUrl(), "--region", "us-east-1"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("AWS_ACCESS_KEY_ID", "local");
        environment.put("AWS_SECRET_ACCESS_KEY", secret);
        environment.remove("AWS_SESSION_TOKEN");
        environment.remove("AWS_PROFILE");
        environment.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.put("AWS_PAGER", "");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("aws exited").isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void theCliPostsWithTheLocalCredentialsAndIsRefusedWithAnotherSecret(@TempDir Path home) throws Exception {
        String alice = Parley.user("alice");
        try (WsClient client = Parley.connect(alice)) {
            String connectionId = Stored.connectionsOf(alice).get(0);
            Path signed = Files.writeString(home.resolve("signed.json"), "{\"type\":\"cli\",\"n\":1}");
            Path forged = Files.writeString(home.resolve("forged.json"), "{\"type\":\"cli\",\"n\":2}");

            Run refused = post(connectionId, forged, "not-the-local-secret", home);
            assertThat(refused.exit()).as(refused.output()).isNotZero();
            assertThat(refused.output()).contains("InvalidSignatureException");

            Run accepted = post(connectionId, signed, "local", home);
            assertThat(accepted.exit()).as(accepted.output()).isZero();
            assertThat(client.await(f -> "cli".equals(f.path("type").asText())).path("n").asInt()).isEqualTo(1);
            assertThat(client.received(f -> f.path("n").asInt() == 2)).as("the post signed with another secret").isEmpty();
        }
    }
}
