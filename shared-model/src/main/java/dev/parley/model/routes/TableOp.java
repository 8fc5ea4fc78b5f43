package dev.parley.model.routes;

/**
 * A DynamoDB API action a function performs on a table. The CDK app grants exactly these
 * actions (least privilege), so a new call in a handler needs its action listed in the
 * function's {@link FunctionSpec} or it fails with AccessDenied on AWS.
 */
public enum TableOp {
    GET_ITEM("dynamodb:GetItem"),
    BATCH_GET_ITEM("dynamodb:BatchGetItem"),
    /** A Query of the table itself. */
    QUERY("dynamodb:Query"),
    /** A Query of one of the table's secondary indexes: granted on {@code <table-arn>/index/*}. */
    QUERY_INDEX("dynamodb:Query"),
    PUT_ITEM("dynamodb:PutItem"),
    UPDATE_ITEM("dynamodb:UpdateItem"),
    DELETE_ITEM("dynamodb:DeleteItem"),
    BATCH_WRITE_ITEM("dynamodb:BatchWriteItem"),
    CONDITION_CHECK_ITEM("dynamodb:ConditionCheckItem");

    private final String iamAction;

    TableOp(String iamAction) {
        this.iamAction = iamAction;
    }

    /** The IAM action that allows this call. */
    public String iamAction() {
        return iamAction;
    }
}
