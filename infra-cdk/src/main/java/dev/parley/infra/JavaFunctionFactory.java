package dev.parley.infra;

import dev.parley.model.routes.FunctionSpec;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.VersionOptions;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** The one definition of a Parley Lambda function; functions differ only by their {@link FunctionSpec}. */
final class JavaFunctionFactory {
    /**
     * Java 25: the newest Java runtime in aws-cdk-lib 2.263.0, and SnapStart supports it
     * ({@code Runtime.JAVA_25.supportsSnapStart}). The jar is compiled for Java 17, which Java 25
     * runs unchanged; cdk-nag's AwsSolutions-L1 asks for the newest runtime of the family too.
     */
    static final Runtime RUNTIME = Runtime.JAVA_25;

    /*
     * No JAVA_TOOL_OPTIONS: on Java 25 Lambda already stops tiered compilation at C1 (level 1) unless
     * the function runs with SnapStart, whose JIT work happens before the snapshot and benefits from
     * C2 ("Customize Java runtime startup behavior", https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html).
     * No class data sharing archive (-XX:SharedArchiveFile): it must match the JVM build that dumped
     * it, Lambda updates the managed runtime under the function, and AWS recommends against AOT and
     * CDS caches in .zip or JAR deployments (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html;
     * docs/architecture.md, "Packaging").
     */

    /**
     * Lambda allots CPU in proportion to memory. At 1024 MB a function gets well over half a vCPU,
     * enough for the JIT and for SnapStart's restore to finish quickly; below that Java handlers
     * spend more billed time compiling than working. Handlers use a small fraction of the memory.
     */
    static final int MEMORY_MB = 1024;

    static final String ALIAS_NAME = "live";

    private final Construct scope;
    private final Map<String, String> environment;
    private final RemovalPolicy logRemovalPolicy;

    JavaFunctionFactory(Construct scope, Map<String, String> environment, RemovalPolicy logRemovalPolicy) {
        this.scope = scope;
        this.environment = Map.copyOf(environment);
        this.logRemovalPolicy = logRemovalPolicy;
    }

    /** The function of a catalogue entry, running {@code code}: its family's jar. */
    JavaFunction create(FunctionSpec spec, Code code) {
        LogGroup logs = LogGroup.Builder.create(scope, spec.id() + "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(logRemovalPolicy)
                .build();
        Function function = Function.Builder.create(scope, spec.id())
                .description("Parley " + spec.lambdaHandler())
                .runtime(RUNTIME)
                .architecture(Architecture.ARM_64)
                .memorySize(MEMORY_MB)
                .timeout(Duration.seconds(spec.timeout().toSeconds()))
                .code(code)
                .handler(spec.lambdaHandler())
                .environment(environment)
                .logGroup(logs)
                .snapStart(spec.snapStart() ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                // A deploy publishes a new version and moves the alias; old versions are deleted
                // instead of piling up against the account's code-storage quota.
                .currentVersionOptions(VersionOptions.builder().removalPolicy(RemovalPolicy.DESTROY).build())
                .build();
        if (spec.snapStart()) {
            Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "Every caller invokes the live alias, which points at the published currentVersion.");
        }
        return new JavaFunction(spec, function, function.addAlias(ALIAS_NAME));
    }
}
