package dev.parley.infra;

import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;

/**
 * One deployed handler: the function (for grants and metrics) and its {@code live} alias, which is
 * what API Gateway and the event source mapping invoke. SnapStart only applies to published
 * versions, so invoking the unqualified function would bypass the snapshot.
 */
public record JavaFunction(ParleyHandler handler, Function function, Alias live) {}
