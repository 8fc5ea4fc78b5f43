package dev.parley.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code npx cdk synth|deploy} runs this through Maven (see cdk.json). Context:
 * {@code functionsJar} (path of the handlers' jar) and the {@link DeploymentOptions}.
 */
public final class ParleyApp {
    public static final String STACK_NAME = "Parley";

    private ParleyApp() {}

    public static void main(String[] args) {
        App app = new App();
        FunctionsJar functionsJar = FunctionsJar.locate(Path.of(""), app.getNode().tryGetContext(FunctionsJar.CONTEXT_KEY));
        new ParleyStack(app, STACK_NAME, StackProps.builder()
                .description("Parley: serverless instant messaging (API Gateway WebSocket, Lambda, DynamoDB)")
                .build(), functionsJar, DeploymentOptions.fromContext(app.getNode()));
        Synthesis.run(app::synth);
    }
}
