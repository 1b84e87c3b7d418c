package dev.ferry.cli.migrate;

import dev.ferry.cli.output.Table;
import dev.ferry.cli.output.Units;
import dev.ferry.control.runner.TableComparison;
import java.util.List;

/** The per-table row-count comparison printed after an in-process migration. Pure. */
public final class ComparisonView {
    private ComparisonView() {}

    public static Table table(List<TableComparison> comparisons) {
        Table table = Table.of("TABLE", ">SOURCE ROWS", ">DESTINATION ROWS", "MATCH");
        for (TableComparison c : comparisons) {
            table.row(c.table().nameIn(c.database()), Units.count(c.sourceRows()),
                    Units.count(c.destinationRows()), c.matches() ? "yes" : "NO");
        }
        return table;
    }

    /** One line: how many tables match. */
    public static String summary(List<TableComparison> comparisons) {
        long mismatched = comparisons.stream().filter(c -> !c.matches()).count();
        if (comparisons.isEmpty()) {
            return "No tables were selected, so there is nothing to compare.";
        }
        if (mismatched == 0) {
            return "All %d tables have the same row count on both sides.".formatted(comparisons.size());
        }
        return "%d of %d tables have different row counts.".formatted(mismatched, comparisons.size());
    }
}
