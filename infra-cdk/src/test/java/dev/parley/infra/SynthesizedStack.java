package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.tables.TableDefinition;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.IConstruct;

/**
 * The stack, synthesized once per test JVM and shared by every test class: a synth costs seconds
 * (the CDK runs in a Node process), the assertions milliseconds.
 *
 * <p>cdk-nag's AwsSolutions checks are applied before that one synth, so the template tests and the
 * nag test look at the same stack. No credentials, no account, no network: the stack is
 * environment-agnostic and the function code is a placeholder jar.
 */
final class SynthesizedStack {
    static final ParleyStack STACK;
    static final Template TEMPLATE;
    static final Annotations ANNOTATIONS;

    static {
        ParleyStack stack = stack(Map.of());
        Aspects.of(stack.getNode().getScope()).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        STACK = stack;
        TEMPLATE = DeepStackSynthesis.template(stack);
        ANNOTATIONS = DeepStackSynthesis.annotations(stack);
    }

    private SynthesizedStack() {}

    /** Another synthesis, with deployment options ({@code -c key=value}) given: for the few tests of a non-default option. */
    static Template withContext(Map<String, Object> context) {
        return DeepStackSynthesis.template(stack(context));
    }

    /** A stack of its own with deployment options given, for tests that add aspects (cdk-nag) before synthesizing. */
    static ParleyStack stackWith(Map<String, Object> context) {
        return stack(context);
    }

    private static ParleyStack stack(Map<String, Object> context) {
        Map<String, Object> appContext = new java.util.HashMap<>(context);
        appContext.put(FunctionJars.CONTEXT_KEY, placeholderJars().toString());
        App app = new App(AppProps.builder().context(appContext).build());
        // Named as deployed, so that logical ids derived from construct paths are the deployed ones.
        return new ParleyStack(app, ParleyApp.STACK_NAME, StackProps.builder().build(),
                FunctionJars.locate(Path.of(""), app.getNode().tryGetContext(FunctionJars.CONTEXT_KEY)),
                DeploymentOptions.fromContext(app.getNode()));
    }

    /** The CloudFormation logical id of a construct's resource, e.g. {@code Send46722DF3}. */
    static String logicalId(IConstruct construct) {
        return STACK.resolve(STACK.getLogicalId((CfnElement) construct.getNode().getDefaultChild())).toString();
    }

    /** {@code {"Ref": <logical id>}}. */
    static Map<String, Object> ref(IConstruct construct) {
        return Map.of("Ref", logicalId(construct));
    }

    /** {@code {"Fn::GetAtt": [<logical id>, attribute]}}. */
    static Map<String, Object> getAtt(IConstruct construct, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId(construct), attribute));
    }

    /** An {@code Fn::Join} whose parts include these values (in this order). */
    static Matcher joinContaining(Object... parts) {
        return Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of(parts))))));
    }

    static JavaFunction function(FunctionSpec spec) {
        return STACK.functions().function(spec);
    }

    static Table table(TableDefinition definition) {
        return STACK.tables().table(definition);
    }

    /**
     * Tiny stand-ins for the family jars, each holding an (empty) entry per handler class of its
     * family and naming its family, so tests neither need nor copy the real ones.
     */
    private static Path placeholderJars() {
        Path folder = Path.of("target", "test-functions");
        try {
            Files.createDirectories(folder);
            for (Family family : Family.values()) {
                Path jar = folder.resolve(family.jarName());
                try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
                    ZipEntry entry = new ZipEntry("README.txt");
                    entry.setTime(0); // a fixed timestamp keeps the asset hash stable
                    zip.putNextEntry(entry);
                    zip.write(("placeholder for functions/target/" + family.jarName()).getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                    for (FunctionSpec spec : Catalogue.ALL) {
                        if (spec.family() != family) {
                            continue;
                        }
                        ZipEntry classFile = new ZipEntry(spec.classFile());
                        classFile.setTime(0);
                        zip.putNextEntry(classFile);
                        zip.closeEntry();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }
}
