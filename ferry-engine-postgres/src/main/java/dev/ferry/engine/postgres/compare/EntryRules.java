package dev.ferry.engine.postgres.compare;

import static dev.ferry.engine.postgres.compare.ReconcilePlan.CREATE;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.DROP;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.LATE;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.POST_CREATE;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.REFRESH;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.REVOKE;
import static dev.ferry.engine.postgres.compare.ReconcilePlan.VIEWS;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Statement;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Step;
import dev.ferry.engine.postgres.compare.ReconcilePlan.Unreconcilable;
import dev.ferry.engine.postgres.compare.SchemaDifference.Presence;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How each kind of pg_dump entry is reconciled. An entry only on the source is created from the source's SQL;
 * one only on the destination is dropped (comments set to NULL, privileges revoked); one defined differently is
 * replaced: {@code CREATE OR REPLACE} for functions, procedures and views where PostgreSQL allows it, the
 * source's statements for comments, privileges and sequence options, else dropped and created again. Tables
 * are never created or dropped (change replication's work); of a table's own definition only properties
 * set by {@code ALTER TABLE} (owner, replica identity, statistics) are aligned. Pure.
 */
final class EntryRules {
    private static final Dialect SQL = Dialect.POSTGRESQL;
    private static final Set<String> TABLES = Set.of("TABLE", "FOREIGN TABLE", "TABLE ATTACH");
    private static final Set<String> POST = Set.of("INDEX", "INDEX ATTACH", "CONSTRAINT", "FK CONSTRAINT",
            "CHECK CONSTRAINT", "TRIGGER", "EVENT TRIGGER", "RULE", "POLICY", "ROW SECURITY", "PUBLICATION",
            "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA", "STATISTICS");
    private static final Set<String> LATE_TYPES = Set.of("COMMENT", "SECURITY LABEL", "ACL", "DEFAULT ACL");
    private static final Set<String> VIEW_TYPES = Set.of("VIEW", "MATERIALIZED VIEW");
    private static final Set<String> RECREATED = Set.of("AGGREGATE", "MATERIALIZED VIEW", "INDEX", "CONSTRAINT",
            "FK CONSTRAINT", "CHECK CONSTRAINT", "TRIGGER", "RULE", "POLICY", "STATISTICS");
    private static final Set<String> RERUN = Set.of("SEQUENCE OWNED BY", "COMMENT", "SECURITY LABEL", "ROW SECURITY");

    private EntryRules() {}

    /** What the rules read besides a difference: the comparison, and the keys of the destination's entries. */
    private record Context(SchemaComparison comparison, Set<EntryKey> destinationKeys) {
        CatalogShapes destinationShapes() {
            return comparison.destination().shapes();
        }
    }

    static void plan(SchemaComparison comparison, List<Step> steps, List<Unreconcilable> unreconcilable) {
        var context = new Context(comparison, comparison.destination().dump().byKey().keySet());
        for (SchemaDifference difference : comparison.differences()) {
            if (difference instanceof SchemaDifference.Entry entry) {
                plan(entry, context, steps, unreconcilable);
            }
        }
    }

    private static void plan(SchemaDifference.Entry d, Context x, List<Step> steps, List<Unreconcilable> out) {
        SchemaComparison c = x.comparison();
        String type = d.key().type();
        String object = Names.of(d.key(), c);
        if (TABLES.contains(type)) {
            if (d.presence() == Presence.BOTH && !type.equals("TABLE ATTACH")) {
                TableProperties.plan(d, object, steps, out);
            } else {
                out.add(new Unreconcilable(object, d.detail() + "; tables are created and dropped by change "
                        + "replication, never at promotion"));
            }
            return;
        }
        switch (d.presence()) {
            case SOURCE_ONLY -> steps.add(new Step(object, "only on the source", "created " + object, create(d.source())));
            case DESTINATION_ONLY -> {
                Optional<List<Statement>> undo = undo(d.destination(), x);
                if (undo.isEmpty()) {
                    out.add(new Unreconcilable(object, "only on the destination, and Ferry does not remove a "
                            + type.toLowerCase(Locale.ROOT)));
                } else {
                    steps.add(new Step(object, "only on the destination", (LATE_TYPES.contains(type) ? "removed " : "dropped ")
                            + object, undo.get()));
                }
            }
            case BOTH -> replace(d, object, x, steps, out);
        }
    }

    private static void replace(SchemaDifference.Entry d, String object, Context x, List<Step> steps,
            List<Unreconcilable> out) {
        SchemaComparison c = x.comparison();
        DumpEntry source = d.source();
        DumpEntry destination = d.destination();
        String type = d.key().type();
        String difference = "defined differently";
        if ((type.equals("FUNCTION") || type.equals("PROCEDURE")) && replaceable(d.key(), c)
                || type.equals("VIEW") && viewExtends(d.key(), c)) {
            Optional<String> replacing = orReplace(source);
            if (replacing.isPresent()) {
                steps.add(new Step(object, difference, "replaced " + object,
                        List.of(new Statement(phase(type), source.position(), replacing.get()))));
                return;
            }
        }
        if (RECREATED.contains(type) || VIEW_TYPES.contains(type) || type.equals("FUNCTION") || type.equals("PROCEDURE")) {
            Optional<List<Statement>> drop = undo(destination, x);
            if (drop.isPresent()) {
                List<Statement> statements = new ArrayList<>(drop.get());
                statements.addAll(create(source));
                steps.add(new Step(object, difference, "dropped and created again " + object, statements));
                return;
            }
        } else if (RERUN.contains(type)) {
            steps.add(new Step(object, difference, "set " + object + " as on the source",
                    List.of(new Statement(phase(type), source.position(), source.sql()))));
            return;
        } else if (type.equals("ACL") || type.equals("DEFAULT ACL")) {
            Optional<List<Statement>> revoke = undo(destination, x);
            if (revoke.isPresent()) {
                List<Statement> statements = new ArrayList<>(revoke.get());
                statements.add(new Statement(LATE, source.position(), source.sql()));
                steps.add(new Step(object, difference, "set " + object + " as on the source", statements));
                return;
            }
        } else if (type.equals("SEQUENCE") && source.sql().startsWith("CREATE SEQUENCE ")) {
            steps.add(new Step(object, difference, "altered " + object + " to the source's options", List.of(new Statement(
                    CREATE, source.position(), "ALTER SEQUENCE " + source.sql().substring("CREATE SEQUENCE ".length())))));
            return;
        }
        List<String> s = source.statements();
        List<String> t = destination.statements();
        if (s.size() > 1 && !t.isEmpty() && s.getFirst().equals(t.getFirst()) && source.settings().equals(destination.settings())) {
            // Only what follows the definition differs (its owner, say): the source's statements set it.
            steps.add(new Step(object, "owner or options differ", "set " + object + " as on the source",
                    List.of(new Statement(CREATE, source.position(), String.join("\n", s.subList(1, s.size()))))));
            return;
        }
        out.add(new Unreconcilable(object, "defined differently, and Ferry does not change a "
                + type.toLowerCase(Locale.ROOT) + " in place"));
    }

    /** The source entry's statements (under its settings), where its type belongs; a materialized view is filled too. */
    static List<Statement> create(DumpEntry source) {
        List<Statement> statements = new ArrayList<>();
        statements.add(new Statement(phase(source.type()), source.position(), source.text()));
        if (source.type().equals("MATERIALIZED VIEW")) {
            statements.add(new Statement(REFRESH, source.position(), "REFRESH MATERIALIZED VIEW "
                    + SQL.quote(source.key().schema(), source.key().name()) + ";"));
        }
        return statements;
    }

    private static int phase(String type) {
        return LATE_TYPES.contains(type) ? LATE : POST.contains(type) ? POST_CREATE : VIEW_TYPES.contains(type) ? VIEWS : CREATE;
    }

    /** Statements removing a destination entry, or empty when Ferry does not remove such an entry. */
    private static Optional<List<Statement>> undo(DumpEntry entry, Context x) {
        EntryKey key = entry.key();
        String type = key.type();
        int order = -entry.position();
        if (type.equals("INDEX ATTACH")) {
            // Goes with the partitioned table's index it attaches to, when that one is dropped.
            return Optional.of(List.of());
        }
        if (type.equals("INDEX") && x.destinationKeys().contains(new EntryKey("INDEX ATTACH", key.schema(), key.name()))) {
            // A partition's index attached to its table's: dropped with that one (which PostgreSQL drops first).
            return Optional.of(List.of(new Statement(DROP, Integer.MAX_VALUE - entry.position(),
                    "DROP INDEX IF EXISTS " + SQL.quote(key.schema(), key.name()) + ";")));
        }
        if (type.equals("COMMENT") || type.equals("SECURITY LABEL")) {
            int is = SqlStatements.firstTopLevel(entry.sql(), " IS ");
            return is < 0 || entry.statements().size() != 1 ? Optional.empty()
                    : Optional.of(List.of(new Statement(REVOKE, order, entry.sql().substring(0, is) + " IS NULL;")));
        }
        if (type.equals("ACL") || type.equals("DEFAULT ACL")) {
            return AclText.inverted(entry.sql()).map(undo -> List.of(new Statement(REVOKE, order, String.join("\n", undo))));
        }
        Optional<String> drop = drop(key, entry, x.destinationShapes());
        return drop.map(sql -> List.of(new Statement(DROP, order, sql)));
    }

    private static Optional<String> drop(EntryKey key, DumpEntry entry, CatalogShapes shapes) {
        String schema = key.schema();
        String name = key.name();
        return switch (key.type()) {
            case "INDEX" -> Optional.of("DROP INDEX " + SQL.quote(schema, name) + ";");
            case "VIEW" -> Optional.of("DROP VIEW " + SQL.quote(schema, name) + ";");
            case "MATERIALIZED VIEW" -> Optional.of("DROP MATERIALIZED VIEW " + SQL.quote(schema, name) + ";");
            case "SEQUENCE" -> entry.sql().startsWith("CREATE SEQUENCE ")
                    ? Optional.of("DROP SEQUENCE " + SQL.quote(schema, name) + ";") : Optional.empty();
            case "SEQUENCE OWNED BY" -> Optional.of("ALTER SEQUENCE " + SQL.quote(schema, name) + " OWNED BY NONE;");
            case "TYPE" -> Optional.of("DROP TYPE " + SQL.quote(schema, name) + ";");
            case "DOMAIN" -> Optional.of("DROP DOMAIN " + SQL.quote(schema, name) + ";");
            case "SCHEMA" -> Optional.of("DROP SCHEMA " + SQL.quote(name) + ";");
            case "EXTENSION" -> Optional.of("DROP EXTENSION " + SQL.quote(name) + ";");
            case "EVENT TRIGGER" -> Optional.of("DROP EVENT TRIGGER " + SQL.quote(name) + ";");
            case "PUBLICATION" -> Optional.of("DROP PUBLICATION " + SQL.quote(name) + ";");
            case "STATISTICS" -> Optional.of("DROP STATISTICS " + SQL.quote(schema, name) + ";");
            case "ROW SECURITY" -> Optional.of("ALTER TABLE " + SQL.quote(schema, name) + " DISABLE ROW LEVEL SECURITY;");
            case "FUNCTION", "PROCEDURE", "AGGREGATE" -> Optional.ofNullable(shapes.routines().get(key))
                    .map(r -> "DROP %s %s(%s);".formatted(key.type(), SQL.quote(r.schema(), r.name()), r.identityArguments()));
            case "CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT" -> Optional.ofNullable(shapes.members().get(key))
                    .map(m -> "ALTER %s %s DROP CONSTRAINT %s;".formatted(m.onDomain() ? "DOMAIN" : "TABLE",
                            SQL.quote(m.schema(), m.owner()), SQL.quote(m.name())));
            case "TRIGGER", "RULE", "POLICY" -> Optional.ofNullable(shapes.members().get(key))
                    .map(m -> "DROP %s %s ON %s;".formatted(key.type(), SQL.quote(m.name()), SQL.quote(m.schema(), m.owner())));
            default -> Optional.empty();
        };
    }

    /** The source's definition as {@code CREATE OR REPLACE}, when it starts as pg_dump writes functions and views. */
    private static Optional<String> orReplace(DumpEntry source) {
        for (String kind : List.of("FUNCTION ", "PROCEDURE ", "VIEW ")) {
            if (source.sql().startsWith("CREATE " + kind)) {
                return Optional.of("CREATE OR REPLACE " + source.sql().substring("CREATE ".length()));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code CREATE OR REPLACE} can turn the destination's routine into the source's (same result and names). */
    private static boolean replaceable(EntryKey key, SchemaComparison c) {
        CatalogShapes.Routine s = c.source().shapes().routines().get(key);
        CatalogShapes.Routine d = c.destination().shapes().routines().get(key);
        return s != null && d != null && s.result().equals(d.result()) && s.argumentNames().equals(d.argumentNames());
    }

    /** Whether the source's view keeps the destination's columns (names and types, in order) and may add some. */
    private static boolean viewExtends(EntryKey key, SchemaComparison c) {
        TableRef view = new TableRef(key.schema(), key.name());
        CatalogShapes.Relation s = c.source().shapes().relations().get(view);
        CatalogShapes.Relation d = c.destination().shapes().relations().get(view);
        if (s == null || d == null || d.columns().size() > s.columns().size()) {
            return false;
        }
        for (int i = 0; i < d.columns().size(); i++) {
            CatalogShapes.Column dc = d.columns().get(i);
            CatalogShapes.Column sc = s.columns().get(i);
            if (!dc.name().equals(sc.name()) || !dc.type().equals(sc.type())) {
                return false;
            }
        }
        return true;
    }
}
