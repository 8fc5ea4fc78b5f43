package dev.parley.infra;

import software.constructs.Construct;

/**
 * One concern of the stack (tables, auth, an API, fan-out, ...): a construct that groups the
 * resources of that concern in the construct tree and in the code.
 *
 * <p>A concern is invisible in CloudFormation logical ids ({@link ParleyStack} leaves it out of the
 * path they are computed from), so that grouping a resource never renames it: a renamed table or
 * user pool would be replaced, empty, on the next deploy.
 */
abstract class Concern extends Construct {
    protected Concern(Construct scope, String id) {
        super(scope, id);
    }
}
