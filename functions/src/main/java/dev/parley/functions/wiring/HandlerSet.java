package dev.parley.functions.wiring;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.parley.model.config.ParleyConfig;
import dev.parley.functions.auth.TokenVerifier;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Queues;
import dev.parley.model.routes.Trigger;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Every handler of a deployment, built from {@link Catalogue#ALL} and keyed by what invokes it
 * ({@link #key}): a WebSocket route key, {@link #HTTP} and an HTTP route key, or {@link #AUTHORIZER},
 * {@link #FANOUT}, {@link #PRESENCE_CHECK}. This is how the local runtime obtains the very handler
 * classes that Lambda runs. Its signature uses only JDK, AWS SDK and aws-lambda-java types, so a
 * runtime can call it on classes loaded afresh (code reload) without sharing Parley's classes.
 *
 * <p>Each handler is built once, through its public {@code (Wiring)} constructor (the authorizer
 * family's: {@code (TokenVerifier)}, the wiring's), found reflectively from the catalogue's class
 * name, as Lambda itself instantiates handlers. Every family's handlers are built on one class
 * path here; on AWS each family runs from its own jar ({@link Family}).
 */
public final class HandlerSet {
    public static final String AUTHORIZER = "$authorizer";
    public static final String FANOUT = "$fanout";
    public static final String PRESENCE_CHECK = "$presence-check";
    /** The attachments bucket's object-created notifications. */
    public static final String OBJECT_CREATED = "$object-created";
    /** HTTP API handlers are keyed by this prefix and their route key, e.g. {@code http:POST /groups}. */
    public static final String HTTP = "http:";

    private HandlerSet() {}

    public static Map<String, RequestHandler<?, ?>> create(Map<String, String> environment, DynamoDbClient dynamo,
                                                           Supplier<ApiGatewayManagementApiClient> management,
                                                           Supplier<SqsClient> sqs, Clock clock) {
        return create(new Wiring(ParleyConfig.fromEnvironment(environment), dynamo, management, sqs, clock));
    }

    /** The same, with the S3 client and presigner of the attachments bucket given (the local runtime's). */
    public static Map<String, RequestHandler<?, ?>> create(Map<String, String> environment, DynamoDbClient dynamo,
                                                           Supplier<ApiGatewayManagementApiClient> management,
                                                           Supplier<SqsClient> sqs, Supplier<S3Client> s3,
                                                           Supplier<S3Presigner> presigner, Clock clock) {
        return create(new Wiring(ParleyConfig.fromEnvironment(environment), dynamo, management, sqs,
                new S3Clients(s3, presigner), clock));
    }

    /** Every handler of the catalogue, built on one wiring, under every key it is invoked by. */
    public static Map<String, RequestHandler<?, ?>> create(Wiring wiring) {
        Map<String, RequestHandler<?, ?>> handlers = new LinkedHashMap<>();
        for (FunctionSpec spec : Catalogue.ALL) {
            RequestHandler<?, ?> handler = instantiate(spec, wiring);
            for (Trigger trigger : spec.triggers()) {
                handlers.put(key(trigger), handler);
            }
        }
        return handlers;
    }

    /** The key a trigger's handler has in {@link #create}'s map. */
    public static String key(Trigger trigger) {
        if (trigger instanceof Trigger.WebSocketRoute route) {
            return route.routeKey();
        }
        if (trigger instanceof Trigger.HttpRoute route) {
            return HTTP + route.routeKey();
        }
        if (trigger instanceof Trigger.ConnectAuthorizer) {
            return AUTHORIZER;
        }
        if (trigger instanceof Trigger.MessagesStream) {
            return FANOUT;
        }
        if (trigger instanceof Trigger.BucketObjectCreated) {
            return OBJECT_CREATED;
        }
        if (trigger instanceof Trigger.QueueMessages queue) {
            return queue.queue().equals(Queues.PRESENCE) ? PRESENCE_CHECK : "$queue:" + queue.queue();
        }
        throw new IllegalArgumentException("no handler key for " + trigger);
    }

    private static RequestHandler<?, ?> instantiate(FunctionSpec spec, Wiring wiring) {
        try {
            Class<?> type = Class.forName(spec.handlerClass(), true, HandlerSet.class.getClassLoader());
            if (spec.family() == Family.AUTHORIZER) {
                return (RequestHandler<?, ?>) type.getConstructor(TokenVerifier.class).newInstance(wiring.tokenVerifier());
            }
            return (RequestHandler<?, ?>) type.getConstructor(Wiring.class).newInstance(wiring);
        } catch (InvocationTargetException failed) {
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(spec.handlerClass() + " failed to initialize", failed.getCause());
        } catch (ReflectiveOperationException | ClassCastException wrong) {
            throw new IllegalStateException(spec.id() + ": " + spec.handlerClass()
                    + " must be a RequestHandler with a public (" + (spec.family() == Family.AUTHORIZER ? "TokenVerifier" : "Wiring")
                    + ") constructor", wrong);
        }
    }
}
