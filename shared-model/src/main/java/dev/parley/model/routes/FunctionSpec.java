package dev.parley.model.routes;

import java.time.Duration;
import java.util.List;

/**
 * One deployed function: its handler class, what invokes it, the tables it touches and how, and
 * how it is run. {@link Catalogue#ALL} lists them all; the functions, the CDK app and the local
 * runtime read nothing else to know what exists.
 *
 * @param id                 construct id on AWS (also the prefix of its alarms and log group)
 * @param handlerClass       fully qualified class of the {@code RequestHandler}
 * @param triggers           what invokes it (a function may serve several HTTP routes)
 * @param tables             every table it calls, with exactly the actions it calls
 * @param postsToConnections whether it posts to or deletes connections (@connections API)
 * @param snapStart          whether a cold start sits on a user's critical path, so it runs with SnapStart
 * @param timeout            how long one invocation may run
 * @param family             the jar it is deployed from, which holds what its handler loads
 */
public record FunctionSpec(String id, String handlerClass, List<Trigger> triggers, List<TableAccess> tables,
                           boolean postsToConnections, boolean snapStart, Duration timeout, Family family) {
    public FunctionSpec {
        triggers = List.copyOf(triggers);
        tables = List.copyOf(tables);
    }

    /** The Lambda handler string, {@code package.Class::handleRequest}. */
    public String lambdaHandler() {
        return handlerClass + "::handleRequest";
    }

    /** The class file's entry name in a jar. */
    public String classFile() {
        return handlerClass.replace('.', '/') + ".class";
    }

    public List<Trigger.WebSocketRoute> webSocketRoutes() {
        return triggers.stream().filter(Trigger.WebSocketRoute.class::isInstance).map(Trigger.WebSocketRoute.class::cast).toList();
    }

    public List<Trigger.HttpRoute> httpRoutes() {
        return triggers.stream().filter(Trigger.HttpRoute.class::isInstance).map(Trigger.HttpRoute.class::cast).toList();
    }

    public boolean has(Trigger trigger) {
        return triggers.contains(trigger);
    }
}
