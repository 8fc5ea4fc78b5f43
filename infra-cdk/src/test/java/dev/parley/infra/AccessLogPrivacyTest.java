package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No token in a deployed log line. Browsers put the JWT in the {@code $connect} URL's query string
 * ({@code ?token=}), and HTTP clients in the {@code Authorization} header: an access-log format
 * with the query string, the path or any request header, or a stage with execution logging of
 * full requests (data tracing), would write tokens to CloudWatch.
 */
class AccessLogPrivacyTest {

    @Test
    void noStageLogsAQueryStringAPathOrARequestHeader() {
        Map<String, Map<String, Object>> stages = TEMPLATE.findResources("AWS::ApiGatewayV2::Stage");
        assertThat(stages).as("the WebSocket and HTTP stages").hasSize(2);
        for (var stage : stages.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) stage.getValue().get("Properties");
            @SuppressWarnings("unchecked")
            Map<String, Object> accessLogs = (Map<String, Object>) properties.get("AccessLogSettings");
            assertThat(accessLogs).as(stage.getKey() + " writes access logs").isNotNull();
            String format = (String) accessLogs.get("Format");
            assertThat(format).as(stage.getKey() + " access-log format")
                    .doesNotContain("$context.path", "$context.resourcePath", "querystring", "$input", "$request",
                            "$context.identity.userAgent", "$context.requestOverride", "header");
            assertThat(String.valueOf(properties.get("DefaultRouteSettings")))
                    .as(stage.getKey() + " execution logging of full requests").doesNotContain("DataTraceEnabled=true");
            assertThat(String.valueOf(properties.get("RouteSettings"))).doesNotContain("DataTraceEnabled=true");
        }
    }
}
