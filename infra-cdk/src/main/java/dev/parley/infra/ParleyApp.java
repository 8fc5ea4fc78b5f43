package dev.parley.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code npx cdk synth|deploy} runs this through Maven (see cdk.json).
 *
 * <p>Context: {@code functionsJar} (path of the handlers' jar), {@code retainData} (default true;
 * false lets {@code cdk destroy} delete tables, the user pool and logs), {@code alarmEmail} (subscribe
 * an address to alarms), {@code corsAllowOrigins} (comma-separated origins for the HTTP API).
 */
public final class ParleyApp {
    public static final String STACK_NAME = "Parley";

    private ParleyApp() {}

    public static void main(String[] args) {
        App app = new App();
        FunctionsJar functionsJar = FunctionsJar.locate(Path.of(""), app.getNode().tryGetContext(FunctionsJar.CONTEXT_KEY));
        Object retain = app.getNode().tryGetContext("retainData");
        new ParleyStack(app, STACK_NAME, StackProps.builder()
                .description("Parley: serverless instant messaging (API Gateway WebSocket, Lambda, DynamoDB)")
                .build(), functionsJar, retain == null || Boolean.parseBoolean(retain.toString()));
        app.synth();
    }
}
