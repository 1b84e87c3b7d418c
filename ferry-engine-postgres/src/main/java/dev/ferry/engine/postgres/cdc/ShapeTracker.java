package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.ColumnDefinition;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares each table shape the change stream announces (a pgoutput Relation message) with the shape its destination
 * table will have once everything sent before is applied, and says what to do: nothing, evolve the destination
 * ({@link Evolution}), or copy a table the destination does not have. The destination's shapes are read once per
 * table and then followed through the evolutions and copies this tracker hands out. Types are compared as the
 * source's format_type prints them; defaults, and the value rows that predate an added column hold, are read from
 * the source's catalog when the Relation is handled (it may be newer than the change; promotion reconciles the
 * rest). A rename is told from a drop and an add by the source's attribute numbers; when it cannot be told, the job
 * stops with SCHEMA_CHANGED. Runs on the reader thread; holds one source and one destination session, opened on
 * first use. Not thread-safe.
 */
final class ShapeTracker implements AutoCloseable {
    private final DatabaseConnection source;
    private final DatabaseConnection destination;
    private final boolean keepDropped;
    /** Each table's columns as the destination has them after everything handed out; empty when it has no table. */
    private final Map<TableRef, Optional<List<ColumnDefinition>>> expected = new HashMap<>();
    private final Map<Long, String> typeNames = new HashMap<>();
    private final LazySession sourceSql;
    private final LazySession destinationSql;

    /** What a relation needs before its changes apply. */
    sealed interface Verdict {}

    /** The destination table fits. */
    record Fits() implements Verdict {}

    /** The destination table must evolve first; {@code statements} is what that does to it now (for events). */
    record Evolve(Evolution evolution, List<String> statements) implements Verdict {}

    /** The destination has no such table. */
    record Absent() implements Verdict {}

    ShapeTracker(DatabaseConnection source, DatabaseConnection destination, boolean keepDropped) {
        this.source = source;
        this.destination = destination;
        this.keepDropped = keepDropped;
        this.sourceSql = new LazySession(source);
        this.destinationSql = new LazySession(destination);
    }

    Verdict check(Relation rel) {
        Optional<List<ColumnDefinition>> present = expected(rel.table());
        if (present.isEmpty()) {
            return new Absent();
        }
        List<ColumnDefinition> live = present.get().stream().filter(c -> !c.generated()).toList();
        List<String> names = rel.columns().stream().map(PgOutputMessage.Column::name).toList();
        List<String> types = new ArrayList<>();
        for (PgOutputMessage.Column c : rel.columns()) {
            types.add(typeName(c.typeOid(), c.typeModifier()));
        }
        if (live.stream().map(ColumnDefinition::name).toList().equals(names)
                && live.stream().map(ColumnDefinition::type).toList().equals(types)) {
            return new Fits();
        }
        Map<String, SourceAttribute> attributes = attributes(rel);
        List<String> missing = live.stream().map(ColumnDefinition::name).filter(n -> !names.contains(n)).toList();
        List<String> added = names.stream().filter(n -> live.stream().noneMatch(c -> c.name().equals(n))).toList();
        Map<String, String> renames = renames(rel, live, names, missing, added, attributes);
        List<Evolution.Wanted> wanted = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            SourceAttribute a = attributes.get(names.get(i));
            wanted.add(new Evolution.Wanted(names.get(i), types.get(i), a == null ? null : a.existing(),
                    a == null ? null : a.defaultExpression()));
        }
        Evolution evolution = new Evolution(rel.table(), wanted, renames, keepDropped);
        List<String> statements = evolution.statements(present.get());
        if (statements.isEmpty()) {
            return new Fits();
        }
        List<ColumnDefinition> after = new ArrayList<>();
        for (Evolution.Wanted w : wanted) {
            after.add(new ColumnDefinition(w.name(), w.type(), false, w.defaultExpression(), ' ', false));
        }
        for (ColumnDefinition c : present.get()) {
            if (c.generated() || keepDropped && !names.contains(c.name()) && !renames.containsKey(c.name())) {
                after.add(new ColumnDefinition(c.name(), c.type(), false, c.expression(), c.identity(), c.generated()));
            }
        }
        expected.put(rel.table(), Optional.of(after));
        return new Evolve(evolution, statements);
    }

    /** The destination will have {@code table} with these columns (a copy was handed out), or none (null). */
    void expect(TableRef table, List<ColumnDefinition> columns) {
        expected.put(table, Optional.ofNullable(columns));
    }

    /** Forgets what is known of {@code table}: it is read from the destination again on next use. */
    void forget(TableRef table) {
        expected.remove(table);
    }

    /**
     * Renames among the columns that left and came: only when as many came as left, each new one at the place of an
     * old one, and the source's catalog shows no dropped column between a new one and the column before it (a drop
     * then an add leaves one there, and an add always goes last). A pairing that might be either is refused.
     */
    private Map<String, String> renames(Relation rel, List<ColumnDefinition> live, List<String> names, List<String> missing,
            List<String> added, Map<String, SourceAttribute> attributes) {
        Map<String, String> renames = new LinkedHashMap<>();
        if (missing.isEmpty() || added.isEmpty() || missing.size() != added.size() || live.size() != names.size()) {
            return renames;
        }
        for (int i = 0; i < live.size(); i++) {
            String was = live.get(i).name();
            String is = names.get(i);
            if (missing.contains(was) != added.contains(is)) {
                return Map.of();
            }
            if (missing.contains(was)) {
                renames.put(was, is);
            } else if (!was.equals(is)) {
                return Map.of();
            }
        }
        for (var pair : renames.entrySet()) {
            SourceAttribute now = attributes.get(pair.getValue());
            if (now == null || now.droppedBefore()) {
                throw new FerryException(ErrorCode.SCHEMA_CHANGED, ("Column %s of table %s is gone on the source and column %s "
                        + "took its place; Ferry cannot tell whether it was renamed or dropped and another added. Make the "
                        + "destination table in database %s match the source by hand (ALTER TABLE %s RENAME COLUMN, or DROP "
                        + "COLUMN and ADD COLUMN) and resume the job").formatted(pair.getKey(), rel.table(), pair.getValue(),
                        destination.database(), rel.table()));
            }
        }
        return renames;
    }

    private Optional<List<ColumnDefinition>> expected(TableRef table) {
        Optional<List<ColumnDefinition>> known = expected.get(table);
        if (known != null) {
            return known;
        }
        Optional<List<ColumnDefinition>> read = PgErrors.call(destination, "reading the columns of " + table, () -> {
            Connection c = destinationSql.get();
            if (!exists(c, table)) {
                return Optional.empty();
            }
            return Optional.of(TableCatalog.definedColumns(c, table));
        });
        expected.put(table, read);
        return read;
    }

    static boolean exists(Connection c, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ? AND t.relkind IN ('r', 'p')")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private String typeName(int oid, int modifier) {
        long key = ((long) oid << 32) | (modifier & 0xffffffffL);
        String known = typeNames.get(key);
        if (known != null) {
            return known;
        }
        String name = PgErrors.call(source, "naming type " + oid, () -> {
            try (PreparedStatement ps = sourceSql.get().prepareStatement("SELECT pg_catalog.format_type(?, ?)")) {
                ps.setLong(1, oid);
                ps.setInt(2, modifier);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        typeNames.put(key, name);
        return name;
    }

    /**
     * A source column now: its default, the literal value rows that predate it hold (null: none, or the catalog is not
     * readable), and whether a dropped column sits between it and the live column before it.
     */
    private record SourceAttribute(String defaultExpression, String existing, boolean droppedBefore) {}

    private Map<String, SourceAttribute> attributes(Relation rel) {
        return PgErrors.call(source, "reading the columns of " + rel.table(), () -> {
            try {
                return attributes(rel.oid(), true);
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
                return attributes(rel.oid(), false);
            }
        });
    }

    private Map<String, SourceAttribute> attributes(int relation, boolean missingValues) throws SQLException {
        String existing = missingValues
                ? "CASE WHEN a.atthasmissing THEN pg_catalog.quote_literal((a.attmissingval::text::text[])[1]) END"
                : "NULL";
        Map<String, SourceAttribute> attributes = new HashMap<>();
        try (PreparedStatement ps = sourceSql.get().prepareStatement("SELECT a.attname, a.attisdropped, "
                + "pg_catalog.pg_get_expr(d.adbin, d.adrelid), " + existing + " FROM pg_catalog.pg_attribute a "
                + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = ? AND a.attnum > 0 ORDER BY a.attnum")) {
            ps.setLong(1, relation & 0xffffffffL);
            boolean dropped = false;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(2)) {
                        dropped = true;
                        continue;
                    }
                    attributes.put(rs.getString(1), new SourceAttribute(rs.getString(3), rs.getString(4), dropped));
                    dropped = false;
                }
            }
        }
        return attributes;
    }

    @Override
    public void close() {
        sourceSql.close();
        destinationSql.close();
    }
}
