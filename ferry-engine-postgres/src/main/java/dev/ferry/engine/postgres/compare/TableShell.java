package dev.ferry.engine.postgres.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * A TABLE entry without its column and CHECK constraint lines, which are compared through the catalogs
 * instead: the {@code CREATE TABLE} statement's other parts ({@code head}: kind, name, inheritance,
 * partitioning, storage options) and the statements after it ({@code rest}: owner, replica identity, column
 * statistics and storage, row security). Pure.
 */
record TableShell(String head, List<String> rest) {
    TableShell {
        rest = List.copyOf(rest);
    }

    static TableShell of(DumpEntry table) {
        List<String> statements = table.statements();
        if (statements.isEmpty()) {
            return new TableShell("", List.of());
        }
        List<String> lines = List.of(statements.getFirst().split("\n", -1));
        List<String> head = new ArrayList<>();
        int open = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("(")) {
                open = i;
                break;
            }
        }
        int close = -1;
        for (int i = open + 1; open >= 0 && i < lines.size(); i++) {
            if (lines.get(i).startsWith(")")) {
                close = i;
                break;
            }
        }
        if (open < 0 || close < 0) {
            head.addAll(lines);
        } else {
            head.addAll(lines.subList(0, open + 1));
            head.addAll(lines.subList(close, lines.size()));
        }
        List<String> settings = new ArrayList<>(table.settings());
        settings.addAll(head);
        return new TableShell(String.join("\n", settings), statements.subList(1, statements.size()));
    }

    /** Equal heads, and the same statements after them in any order. */
    boolean sameAs(TableShell other) {
        return head.equals(other.head) && rest.stream().sorted().toList().equals(other.rest.stream().sorted().toList());
    }
}
