package dev.parley.bench.live;

import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import java.util.Map;
import java.util.Set;

/**
 * The send path's share of a message's capacity units: what the send function itself writes and
 * reads (budget, seq counter, idempotency record, message; the idempotency read), without the
 * fan-out's connection lookups and sync-store updates.
 */
final class SendPath {
    private static final Set<String> SEND_TABLES = Set.of("parley-rate-limits", "parley-conversations",
            "parley-idempotency", "parley-messages", "parley-attachments");
    private static final Set<String> SEND_READS = Set.of("parley-idempotency GetItem", "parley-conversations GetItem",
            "parley-messages GetItem", "parley-attachments GetItem");

    private SendPath() {}

    static void report(Report report, String prefix, LiveStack stack, int messages) {
        double writes = sum(stack.meter().writeUnits(), true);
        double reads = stack.meter().readUnits().entrySet().stream().filter(e -> SEND_READS.contains(e.getKey()))
                .mapToDouble(Map.Entry::getValue).sum();
        report.add(prefix + "_send_path_wru_per_msg", writes / messages, "WRU", Target.atMost(3, "WRU"));
        report.add(prefix + "_send_path_rru_per_msg", reads / messages, "RRU", Target.atMost(1, "RRU"));
    }

    private static double sum(Map<String, Double> units, boolean sendTablesOnly) {
        return units.entrySet().stream()
                .filter(e -> !sendTablesOnly || SEND_TABLES.contains(e.getKey().substring(0, e.getKey().indexOf(' '))))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
