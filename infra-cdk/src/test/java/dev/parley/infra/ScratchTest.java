package dev.parley.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class ScratchTest {
    @Test
    void dump() throws Exception {
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/template.json"),
                new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(SynthesizedStack.TEMPLATE.toJSON()));
        StringBuilder sb = new StringBuilder();
        for (var m : SynthesizedStack.ANNOTATIONS.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))) sb.append("ERROR ").append(m.getId()).append(" ").append(m.getEntry().getData()).append("\n");
        for (var m : SynthesizedStack.ANNOTATIONS.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))) sb.append("WARN ").append(m.getId()).append(" ").append(m.getEntry().getData()).append("\n");
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/nag.txt"), sb.toString());
    }
}
