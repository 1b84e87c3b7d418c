package dev.ferry.engine.postgres.compare;

import static dev.ferry.engine.postgres.compare.ReconcilePlan.COLUMN_DROP;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.COLUMN_SET;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.compare.CatalogShapes.Column;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Statement;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Step;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Unreconcilable;
import dev.ferry.engine.postgres.compare.SchemaDifference.Aspect;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How column and inline CHECK constraint differences are reconciled: NOT NULL set or dropped, defaults set or
 * dropped, identity added, dropped or altered, a generation expression changed ({@code SET EXPRESSION} from
 * PostgreSQL 17, else the generated column dropped and added again, which recomputes it), CHECK constraints
 * dropped and added. A column only on one side, of another type or collation is change replication's to
 * align, never promotion's. Removals run before the objects they might depend on are dropped, additions after
 * those they might need are created; within a phase by the order below ({@code IDENTITY} dropped first, NOT
 * NULL set first). Pure.
 */
final class ColumnRules {
    private static final Dialect SQL = Dialect.POSTGRESQL;
    /** Orders within the removal and the setting phases. */
    private static final int DROP_IDENTITY = 0;
    private static final int DROP_EXPRESSION = 1;
    private static final int DROP_DEFAULT = 2;
    private static final int DROP_NOT_NULL = 3;
    private static final int DROP_CHECK = 4;
    private static final int SET_NOT_NULL = 0;
    private static final int SET_DEFAULT = 1;
    private static final int SET_EXPRESSION = 2;
    private static final int SET_IDENTITY = 3;
    private static final int ADD_CHECK = 4;
    /** PostgreSQL majors that change a generated column's expression in place, and drop one. */
    private static final int SET_EXPRESSION_MAJOR = 17;
    private static final int DROP_EXPRESSION_MAJOR = 13;

    private ColumnRules() {}

    private record ColumnKey(TableRef table, String column) {}

    static void plan(SchemaComparison c, List<Step> steps, List<Unreconcilable> out) {
        Map<ColumnKey, Map<Aspect, SchemaDifference.Column>> columns = new LinkedHashMap<>();
        for (SchemaDifference difference : c.differences()) {
            if (difference instanceof SchemaDifference.Column column) {
                columns.computeIfAbsent(new ColumnKey(column.table(), column.column()), k -> new EnumMap<>(Aspect.class))
                        .put(column.aspect(), column);
            } else if (difference instanceof SchemaDifference.Check check) {
                check(check, steps);
            }
        }
        int major = c.destination().shapes().major();
        columns.forEach((key, aspects) -> column(key, aspects, find(c.source().shapes(), key),
                find(c.destination().shapes(), key), major, steps, out));
    }

    private static void column(ColumnKey key, Map<Aspect, SchemaDifference.Column> aspects, Column source,
            Column destination, int major, List<Step> steps, List<Unreconcilable> out) {
        boolean blocked = false;
        for (Aspect aspect : List.of(Aspect.PRESENCE, Aspect.TYPE)) {
            SchemaDifference.Column d = aspects.get(aspect);
            if (d != null) {
                // Made at promotion before this plan, as change replication makes it (QuietColumns): nothing to run here.
                blocked = true;
                steps.add(new Step(d.object(), d.detail(), "evolved " + d.object() + " as change replication does",
                        List.of()));
            }
        }
        SchemaDifference.Column collation = aspects.get(Aspect.COLLATION);
        if (collation != null) {
            blocked = true;
            out.add(new Unreconcilable(collation.object(), collation.detail() + "; change replication adds, drops and "
                    + "retypes columns but does not see a collation change"));
        }
        if (blocked || source == null || destination == null) {
            return;
        }
        String table = SQL.quote(key.table().schema(), key.table().table());
        String alter = "ALTER TABLE %s ALTER COLUMN %s ".formatted(table, SQL.quote(key.column()));
        String object = "column " + key.table() + "." + key.column();
        SchemaDifference.Column generated = aspects.get(Aspect.GENERATED);
        if (generated != null && source.generation() != null
                && (destination.generation() == null || major < SET_EXPRESSION_MAJOR)) {
            String add = "ALTER TABLE %s ADD COLUMN %s %s%s GENERATED ALWAYS AS (%s) STORED%s;".formatted(table,
                    SQL.quote(key.column()), source.type(), source.collation() == null ? "" : " COLLATE " + source.collation(),
                    source.generation(), source.notNull() ? " NOT NULL" : "");
            steps.add(new Step(object, generated.detail(), "dropped and added again generated " + object + " with the "
                    + "source's expression", List.of(new Statement(COLUMN_DROP, DROP_EXPRESSION, "ALTER TABLE %s DROP COLUMN %s;"
                            .formatted(table, SQL.quote(key.column()))), new Statement(COLUMN_SET, SET_EXPRESSION, add))));
            return;
        }
        if (generated != null) {
            if (source.generation() != null) {
                steps.add(new Step(object, generated.detail(), "set the generation expression of " + object,
                        List.of(new Statement(COLUMN_SET, SET_EXPRESSION, alter + "SET EXPRESSION AS (" + source.generation() + ");"))));
            } else if (major >= DROP_EXPRESSION_MAJOR) {
                steps.add(new Step(object, generated.detail(), "made " + object + " a stored column",
                        List.of(new Statement(COLUMN_DROP, DROP_EXPRESSION, alter + "DROP EXPRESSION;"))));
            } else {
                out.add(new Unreconcilable(object, generated.detail() + "; PostgreSQL %d cannot drop a generation expression"
                        .formatted(major)));
            }
        }
        SchemaDifference.Column identity = aspects.get(Aspect.IDENTITY);
        if (identity != null) {
            steps.add(identity(object, alter, identity, source, destination));
        }
        SchemaDifference.Column notNull = aspects.get(Aspect.NOT_NULL);
        if (notNull != null) {
            steps.add(source.notNull()
                    ? new Step(object, notNull.detail(), "set NOT NULL on " + object,
                            List.of(new Statement(COLUMN_SET, SET_NOT_NULL, alter + "SET NOT NULL;")))
                    : new Step(object, notNull.detail(), "dropped NOT NULL of " + object,
                            List.of(new Statement(COLUMN_DROP, DROP_NOT_NULL, alter + "DROP NOT NULL;"))));
        }
        SchemaDifference.Column defaults = aspects.get(Aspect.DEFAULT);
        if (defaults != null) {
            String only = "ALTER TABLE ONLY %s ALTER COLUMN %s ".formatted(table, SQL.quote(key.column()));
            steps.add(source.defaultExpression() == null
                    ? new Step(object, defaults.detail(), "dropped the default of " + object,
                            List.of(new Statement(COLUMN_DROP, DROP_DEFAULT, only + "DROP DEFAULT;")))
                    : new Step(object, defaults.detail(), "set the default of " + object + " to " + source.defaultExpression(),
                            List.of(new Statement(COLUMN_SET, SET_DEFAULT, only + "SET DEFAULT " + source.defaultExpression() + ";"))));
        }
    }

    private static Step identity(String object, String alter, SchemaDifference.Column d, Column source, Column destination) {
        if (source.identity() == ' ') {
            return new Step(object, d.detail(), "dropped the identity of " + object,
                    List.of(new Statement(COLUMN_DROP, DROP_IDENTITY, alter + "DROP IDENTITY;")));
        }
        String kind = source.identity() == 'a' ? "ALWAYS" : "BY DEFAULT";
        if (destination.identity() == ' ') {
            String options = source.sequence() == null ? "" : " (SEQUENCE NAME %s %s)".formatted(
                    SQL.quote(source.sequence().schema(), source.sequence().name()), source.sequence().options(""));
            return new Step(object, d.detail(), "made " + object + " an identity column",
                    List.of(new Statement(COLUMN_SET, SET_IDENTITY, alter + "ADD GENERATED " + kind + " AS IDENTITY" + options + ";")));
        }
        List<String> changes = new ArrayList<>();
        if (source.identity() != destination.identity()) {
            changes.add("SET GENERATED " + kind);
        }
        if (source.sequence() != null && destination.sequence() != null
                && !source.sequence().options("").equals(destination.sequence().options(""))) {
            changes.add(source.sequence().options("SET "));
        }
        // Only the sequence's name differs, or one side's sequence was not found: nothing to alter.
        return new Step(object, d.detail(), "altered the identity of " + object, changes.isEmpty() ? List.of()
                : List.of(new Statement(COLUMN_SET, SET_IDENTITY, alter + String.join(" ", changes) + ";")));
    }

    private static void check(SchemaDifference.Check d, List<Step> steps) {
        String table = SQL.quote(d.table().schema(), d.table().table());
        String name = SQL.quote(d.name());
        List<Statement> statements = new ArrayList<>();
        if (d.destination() != null) {
            statements.add(new Statement(COLUMN_DROP, DROP_CHECK, "ALTER TABLE %s DROP CONSTRAINT %s;".formatted(table, name)));
        }
        if (d.source() != null) {
            statements.add(new Statement(COLUMN_SET, ADD_CHECK, "ALTER TABLE %s ADD CONSTRAINT %s %s;".formatted(table, name,
                    d.source())));
        }
        String action = d.source() == null ? "dropped " : d.destination() == null ? "added " : "dropped and added again ";
        steps.add(new Step(d.object(), d.detail(), action + d.object(), statements));
    }

    private static Column find(CatalogShapes shapes, ColumnKey key) {
        CatalogShapes.Relation relation = shapes.relations().get(key.table());
        if (relation == null) {
            return null;
        }
        return relation.columns().stream().filter(c -> c.name().equals(key.column())).findFirst().orElse(null);
    }
}
