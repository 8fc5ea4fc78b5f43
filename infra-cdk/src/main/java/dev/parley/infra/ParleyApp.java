package dev.parley.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code npx cdk synth|deploy} runs this through Maven (see cdk.json). Context:
 * {@code functionJars} (the folder of the function families' jars) and the {@link DeploymentOptions}.
 */
public final class ParleyApp {
    public static final String STACK_NAME = "Parley";

    private ParleyApp() {}

    public static void main(String[] args) {
        App app = new App();
        FunctionJars functionJars = FunctionJars.locate(Path.of(""), app.getNode().tryGetContext(FunctionJars.CONTEXT_KEY));
        new ParleyStack(app, STACK_NAME, StackProps.builder()
                .description("Parley: serverless instant messaging (API Gateway WebSocket, Lambda, DynamoDB)")
                .build(), functionJars, DeploymentOptions.fromContext(app.getNode()));
        Synthesis.run(app::synth);
    }
}
