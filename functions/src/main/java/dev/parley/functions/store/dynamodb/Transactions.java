package dev.parley.functions.store.dynamodb;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** TransactWriteItems with the answer a store needs: which items' conditions failed. */
final class Transactions {
    /** A transaction cancelled by another one on the same items (no condition failed) is tried again this often. */
    private static final int ATTEMPTS = 4;

    private Transactions() {}

    /**
     * Writes the items all or none. Returns the indexes of the items whose condition failed (then
     * nothing was written); empty: everything was written.
     */
    static Set<Integer> write(DynamoDbClient dynamo, List<TransactWriteItem> items) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(write -> write.transactItems(items));
                return Set.of();
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
                Set<Integer> failed = new TreeSet<>();
                for (int i = 0; i < reasons.size(); i++) {
                    if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                        failed.add(i);
                    }
                }
                if (!failed.isEmpty()) {
                    return failed;
                }
                if (attempt == ATTEMPTS) {
                    throw cancelled;
                }
            }
        }
    }
}
