package dev.parley.bench.live;

import dev.parley.bench.report.Report;
import dev.parley.testsupport.metering.CapacityMeter;
import java.util.Locale;
import java.util.Map;

/** Capacity units per message from a {@link CapacityMeter}, in total and split by table and operation. */
final class Capacity {
    /** Per-message units: write, read, and refused conditional writes (which cost a write unit on AWS). */
    record PerMessage(double writeUnits, double readUnits, double conditionalFailures) {}

    private Capacity() {}

    /**
     * Reports {@code <prefix>_wru_per_msg} and {@code <prefix>_rru_per_msg}, each with one figure per
     * table and operation ({@code <prefix>_wru_per_msg_messages_putitem}, ...).
     */
    static PerMessage report(Report report, String prefix, LiveStack stack, int messages,
                             dev.parley.bench.report.Target writeTarget) {
        CapacityMeter meter = stack.meter();
        Map<String, Double> writes = meter.writeUnits();
        Map<String, Double> reads = meter.readUnits();
        Map<String, Double> empty = stack.emptyReads().minimumUnits();
        // A refused conditional write reports no capacity to the SDK but is billed one write unit (items < 1 KB).
        double refused = meter.conditionalFailures();
        double writeUnits = (meter.totalWriteUnits() + refused) / messages;
        double readUnits = stack.readUnits() / messages;
        report.add(prefix + "_wru_per_msg", writeUnits, "WRU", writeTarget);
        writes.forEach((key, units) -> report.add(prefix + "_wru_per_msg_" + name(key), units / messages, "WRU"));
        if (refused > 0) {
            report.add(prefix + "_wru_per_msg_refused_conditions", refused / messages, "WRU");
        }
        report.add(prefix + "_rru_per_msg", readUnits, "RRU");
        reads.forEach((key, units) -> report.add(prefix + "_rru_per_msg_" + name(key), units / messages, "RRU"));
        // Queries that matched nothing: 0 on DynamoDB Local, the minimum read on DynamoDB. Named
        // <table>_emptyquery, so that <prefix>_rru_per_msg_<table>_<operation> still parses.
        empty.forEach((key, units) -> report.add(prefix + "_rru_per_msg_" + name(key.replace(" Query", " EmptyQuery")
                        .replace(" BatchGetItem", " MissingBatchGetItem")),
                units / messages, "RRU"));
        return new PerMessage(writeUnits, readUnits, refused / messages);
    }

    /** "parley-messages PutItem" becomes "messages_putitem". */
    private static String name(String tableOperation) {
        return tableOperation.replaceFirst("^parley-", "").replace(' ', '_').replace('-', '_').replace('.', '_')
                .toLowerCase(Locale.ROOT);
    }
}
