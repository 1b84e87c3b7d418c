package dev.ferry.engine.postgres.compare;

import static dev.ferry.engine.postgres.compare.ReconcilePlan.COLUMN_DROP;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.CREATE;

import dev.ferry.engine.postgres.compare.ReconcilePlan.Statement;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Step;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Unreconcilable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Aligns what a table's pg_dump entry sets with {@code ALTER TABLE} after its {@code CREATE TABLE} (owner, replica
 * identity, column statistics and storage, row security): the source's statements run, and the destination's
 * own ones are undone where PostgreSQL has a way back (replica identity, statistics target). A different
 * {@code CREATE TABLE} itself (kind, inheritance, partitioning, storage options, tablespace) is not reconciled:
 * that would rebuild the table. Pure.
 */
final class TableProperties {
    private static final Pattern REPLICA_IDENTITY = Pattern.compile("^(ALTER TABLE .* REPLICA IDENTITY) (FULL|NOTHING);$");
    private static final Pattern STATISTICS = Pattern.compile("^(ALTER TABLE .* ALTER COLUMN .* SET STATISTICS) -?\\d+;$");

    private TableProperties() {}

    static void plan(SchemaDifference.Entry d, String object, List<Step> steps, List<Unreconcilable> out) {
        TableShell source = TableShell.of(d.source());
        TableShell destination = TableShell.of(d.destination());
        if (!source.head().equals(destination.head())) {
            out.add(new Unreconcilable(object, "its definition differs beyond columns and CHECK constraints (source: %s; "
                    + "destination: %s); Ferry does not rebuild tables".formatted(firstDifference(source.head(),
                            destination.head()), firstDifference(destination.head(), source.head()))));
            return;
        }
        List<String> sourceOnly = minus(source.rest(), destination.rest());
        List<String> destinationOnly = minus(destination.rest(), source.rest());
        List<Statement> statements = new ArrayList<>();
        List<String> undone = new ArrayList<>();
        for (String statement : destinationOnly) {
            if (statement.contains(" OWNER TO ") && sourceOnly.stream().anyMatch(s -> s.contains(" OWNER TO "))) {
                continue;
            }
            Matcher identity = REPLICA_IDENTITY.matcher(statement);
            Matcher statistics = STATISTICS.matcher(statement);
            if (identity.matches()) {
                if (sourceOnly.stream().noneMatch(s -> s.contains(" REPLICA IDENTITY "))) {
                    statements.add(new Statement(COLUMN_DROP, 0, identity.group(1) + " DEFAULT;"));
                    undone.add(statement);
                }
            } else if (statistics.matches()) {
                if (sourceOnly.stream().noneMatch(s -> s.startsWith(statistics.group(1)))) {
                    statements.add(new Statement(COLUMN_DROP, 0, statistics.group(1) + " -1;"));
                    undone.add(statement);
                }
            } else {
                out.add(new Unreconcilable(object, "the destination has `%s`, which Ferry cannot undo".formatted(statement)));
                return;
            }
        }
        for (String statement : sourceOnly) {
            if (!statement.startsWith("ALTER TABLE ")) {
                out.add(new Unreconcilable(object, "the source has `%s`, which Ferry does not apply".formatted(statement)));
                return;
            }
            statements.add(new Statement(CREATE, d.source().position(), statement));
        }
        if (!statements.isEmpty()) {
            List<String> done = new ArrayList<>(sourceOnly);
            undone.forEach(u -> done.add("undone: " + u));
            steps.add(new Step(object, "table properties differ", "aligned " + object + ": " + String.join(" ", done),
                    statements));
        }
    }

    /** {@code a} without one occurrence of each element of {@code b}. */
    private static List<String> minus(List<String> a, List<String> b) {
        List<String> left = new ArrayList<>(a);
        b.forEach(left::remove);
        return left;
    }

    private static String firstDifference(String a, String b) {
        List<String> other = List.of(b.split("\n", -1));
        for (String line : a.split("\n", -1)) {
            if (!other.contains(line)) {
                return "`" + line.strip() + "`";
            }
        }
        return "the same lines in another order";
    }
}
