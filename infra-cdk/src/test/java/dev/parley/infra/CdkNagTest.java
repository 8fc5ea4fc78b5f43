package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.ANNOTATIONS;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * cdk-nag's AwsSolutions pack (applied in {@link SynthesizedStack}) finds nothing that is not
 * suppressed, with its reason, next to the resource in ParleyStack. A failure lists each finding
 * with its construct path and rule id.
 */
class CdkNagTest {
    @Test
    void awsSolutionsChecksReportNoUnsuppressedError() {
        ANNOTATIONS.hasNoError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    }

    @Test
    void awsSolutionsChecksReportNoUnsuppressedWarning() {
        ANNOTATIONS.hasNoWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    }
}
