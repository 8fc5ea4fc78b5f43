package dev.parley.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebPageTest {

    private static Map<String, String> directives(String policy) {
        return Arrays.stream(policy.split(";")).map(String::trim)
                .collect(Collectors.toMap(d -> d.split(" ")[0], d -> d.substring(d.indexOf(' ') + 1)));
    }

    @Test
    void thePageReachesItsOwnOriginAndTheObjectStoreOnlyAndRunsNoInlineCode() {
        Map<String, String> policy = directives(new WebPage(URI.create("http://127.0.0.1:4567/")).contentSecurityPolicy());

        assertThat(policy.get("default-src")).isEqualTo("'none'");
        assertThat(policy.get("script-src")).isEqualTo("'self'");
        assertThat(policy.get("style-src")).isEqualTo("'self'");
        // Uploads PUT to presigned URLs of the store; images and thumbnails come from it; a picked
        // image is previewed from a blob: URL before it is sent.
        assertThat(policy.get("connect-src")).isEqualTo("'self' ws: wss: http://127.0.0.1:4567");
        assertThat(policy.get("img-src")).isEqualTo("'self' blob: http://127.0.0.1:4567");
        assertThat(policy.get("form-action")).isEqualTo("'none'");
        assertThat(policy.get("frame-ancestors")).isEqualTo("'none'");
        assertThat(policy.values()).noneMatch(value -> value.contains("unsafe"));
    }
}
