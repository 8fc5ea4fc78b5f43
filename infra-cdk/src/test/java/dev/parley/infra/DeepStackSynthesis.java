package dev.parley.infra;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;

/**
 * {@link Synthesis} for the assertions library. A class of its own: a lambda written inside
 * {@link SynthesizedStack}'s static initializer would wait, on the synthesis thread, for that very
 * initializer to finish.
 */
final class DeepStackSynthesis {
    private DeepStackSynthesis() {}

    static Template template(Stack stack) {
        return Synthesis.call(() -> Template.fromStack(stack));
    }

    static Annotations annotations(Stack stack) {
        return Synthesis.call(() -> Annotations.fromStack(stack));
    }
}
