package dev.parley.model.routes;

import dev.parley.model.tables.TableDefinition;
import java.util.EnumSet;
import java.util.Set;

/** The DynamoDB actions one function performs on one table. */
public record TableAccess(TableDefinition table, Set<TableOp> ops) {
    public TableAccess {
        ops = Set.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("no operations on " + table.defaultName());
        }
    }

    public static TableAccess of(TableDefinition table, TableOp first, TableOp... rest) {
        return new TableAccess(table, EnumSet.of(first, rest));
    }

    /** Whether every action only reads. */
    public boolean readOnly() {
        return ops.stream().allMatch(op -> op == TableOp.GET_ITEM || op == TableOp.BATCH_GET_ITEM
                || op == TableOp.QUERY || op == TableOp.QUERY_INDEX);
    }
}
