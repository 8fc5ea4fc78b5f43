package dev.parley.infra;

import dev.parley.model.routes.FunctionSpec;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;

/**
 * One deployed catalogue function: the function (for grants and metrics) and its {@code live}
 * alias, which is what API Gateway and the event source mappings invoke. SnapStart only applies
 * to published versions, so invoking the unqualified function would bypass the snapshot.
 */
public record JavaFunction(FunctionSpec spec, Function function, Alias live) {}
