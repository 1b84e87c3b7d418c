package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.cdc.NetChanges.TableChanges;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Kind;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Shape;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Column;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch's net changes set-based, one statement per table and statement shape instead of one per row: the
 * rows travel as one JSON array that {@code json_populate_recordset} turns into rows of the destination table's own
 * type (so every value is parsed by its column's input function, as a bound text parameter would be); long runs of
 * inserts go through {@code COPY}. Each statement's row count is checked: a delete or update that found fewer rows,
 * or an insert that met an existing key, means the batch does not fit as it is, and {@link #apply} answers false so
 * that the batch is applied again change by change, where divergence is found and named. Not thread-safe.
 */
final class NetApply {
    private static final Logger log = LoggerFactory.getLogger(NetApply.class);
    /** Inserts of one shape from which COPY is used. */
    static final int COPY_FROM = 64;
    /** Type OIDs whose text is JSON itself: json, jsonb. */
    private static final Set<Integer> JSON_TYPES = Set.of(114, 3802);

    private final ChangeApplier applier;
    private final Connection c;
    private final String job;
    private final Map<String, String> sqlCache = new LinkedHashMap<>();
    private final java.util.HashSet<String> warned = new java.util.HashSet<>();

    NetApply(ChangeApplier applier, String job) {
        this.applier = applier;
        this.c = applier.connection();
        this.job = job;
    }

    /** Applies every table's net changes; false when the destination did not take them as they are. */
    boolean apply(List<TableChanges<PgChange>> tables) {
        for (TableChanges<PgChange> t : tables) {
            try {
                if (!deletes(t.deletes()) || !inserts(t.inserts()) || !updates(t.updates())) {
                    return false;
                }
            } catch (SQLException e) {
                if (ChangeApplier.notTheBatch(e)) {
                    throw applier.failure(e, "batch", t.table().toString(), "set-based apply");
                }
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (!state.startsWith("23") && warned.add(t.table().toString())) {
                    log.atWarn().addKeyValue("job", job).addKeyValue("table", t.table()).addKeyValue("sqlstate", state)
                            .addKeyValue("reason", e.getMessage()).log("set-based apply refused; this batch is applied row by row");
                }
                return false;
            }
            try {
                if (!inOrder(t.inOrder())) {
                    return false;
                }
            } catch (SQLException e) {
                if (ChangeApplier.notTheBatch(e)) {
                    throw applier.failure(e, "batch", t.table().toString(), "COPY");
                }
                return false;
            }
        }
        return true;
    }

    /**
     * Changes of a table without a usable key, in source order: a long run of inserts of one shape goes as one COPY
     * (what is queued before it runs first), anything else row by row.
     */
    private boolean inOrder(List<PgChange> changes) throws SQLException {
        int i = 0;
        while (i < changes.size()) {
            PgChange first = changes.get(i);
            int end = i + 1;
            if (first.statement().shape().kind() == Kind.INSERT) {
                while (end < changes.size() && changes.get(end).rel().equals(first.rel())
                        && changes.get(end).statement().shape().equals(first.statement().shape())) {
                    end++;
                }
            }
            if (end - i >= COPY_FROM) {
                applier.flush();
                List<PgChange> run = changes.subList(i, end);
                String columns = String.join(", ", names(first.rel(), first.statement().shape().setMask()));
                if (columns.isEmpty() || copy("COPY " + table(first.rel()) + " (" + columns + ") FROM STDIN", run) != run.size()) {
                    return false;
                }
            } else {
                for (int k = i; k < end; k++) {
                    applier.apply(changes.get(k).rel(), changes.get(k).statement(), changes.get(k).lsn());
                }
            }
            i = end;
        }
        return true;
    }

    private boolean deletes(List<PgChange> deletes) throws SQLException {
        for (List<PgChange> group : byShape(deletes).values()) {
            Relation rel = group.get(0).rel();
            String where = group.get(0).statement().shape().whereMask();
            String sql = "DELETE FROM ONLY " + table(rel) + " t USING pg_catalog.json_populate_recordset(NULL::" + table(rel)
                    + ", ?::json) v WHERE " + match(rel, where);
            if (run(sql, json(rel, group, false)) != group.size()) {
                return false;
            }
        }
        return true;
    }

    private boolean inserts(List<PgChange> inserts) throws SQLException {
        for (List<PgChange> group : byShape(inserts).values()) {
            Relation rel = group.get(0).rel();
            String mask = group.get(0).statement().shape().setMask();
            List<String> names = names(rel, mask);
            if (names.isEmpty()) {
                return false;
            }
            String columns = String.join(", ", names);
            long inserted;
            if (group.size() >= COPY_FROM) {
                inserted = copy("COPY " + table(rel) + " (" + columns + ") FROM STDIN", group);
            } else {
                List<String> key = applier.keys().of(rel.table());
                String conflict = key.isEmpty() ? "" : " ON CONFLICT (" + String.join(", ", key.stream().map(Dialect.POSTGRESQL::quote)
                        .toList()) + ") DO NOTHING";
                String sql = "INSERT INTO " + table(rel) + " (" + columns + ") OVERRIDING SYSTEM VALUE SELECT " + columns
                        + " FROM pg_catalog.json_populate_recordset(NULL::" + table(rel) + ", ?::json)" + conflict;
                inserted = run(sql, json(rel, group, true));
            }
            if (inserted != group.size()) {
                return false;
            }
        }
        return true;
    }

    private boolean updates(List<PgChange> updates) throws SQLException {
        for (List<PgChange> group : byShape(updates).values()) {
            Relation rel = group.get(0).rel();
            Shape shape = group.get(0).statement().shape();
            StringJoiner set = new StringJoiner(", ");
            for (String name : names(rel, shape.setMask())) {
                set.add(name + " = v." + name);
            }
            String sql = "UPDATE ONLY " + table(rel) + " t SET " + set + " FROM pg_catalog.json_populate_recordset(NULL::"
                    + table(rel) + ", ?::json) v WHERE " + match(rel, shape.whereMask());
            if (run(sql, json(rel, group, false)) != group.size()) {
                return false;
            }
        }
        return true;
    }

    private long run(String sql, String json) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, json, Types.OTHER);
            return ps.executeLargeUpdate();
        }
    }

    private long copy(String sql, List<PgChange> rows) throws SQLException {
        StringBuilder text = new StringBuilder(rows.size() * 64);
        for (PgChange row : rows) {
            String[] values = row.statement().values();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                copyValue(text, values[i]);
            }
            text.append('\n');
        }
        try {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(text.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into the destination failed: " + e.getMessage(), "08006", e);
        }
    }

    /** COPY's text format: backslash, tab, newline and carriage return escaped, NULL as \N. */
    static void copyValue(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }

    /**
     * The rows as a JSON array of objects keyed by column name: the values a statement sets, then those it matches by
     * (for an update of an unchanged key both hold the same value). Text values are JSON strings, json and jsonb values
     * their own JSON, NULL null.
     */
    static String json(Relation rel, List<PgChange> rows, boolean setOnly) {
        StringBuilder out = new StringBuilder(rows.size() * 64).append('[');
        List<Column> cols = rel.columns();
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0) {
                out.append(',');
            }
            out.append('{');
            Shape shape = rows.get(r).statement().shape();
            String[] values = rows.get(r).statement().values();
            int v = 0;
            boolean first = true;
            Set<Integer> written = new java.util.HashSet<>();
            for (String mask : setOnly ? List.of(shape.setMask()) : List.of(shape.setMask(), shape.whereMask())) {
                for (int i = 0; i < mask.length(); i++) {
                    if (mask.charAt(i) != '1') {
                        continue;
                    }
                    String value = values[v++];
                    if (!written.add(i)) {
                        continue;
                    }
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, cols.get(i).name());
                    out.append(':');
                    if (value == null) {
                        out.append("null");
                    } else if (JSON_TYPES.contains(cols.get(i).typeOid())) {
                        out.append(value);
                    } else {
                        string(out, value);
                    }
                }
            }
            out.append('}');
        }
        return out.append(']').toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Changes grouped by relation shape and statement shape, in first-seen order. */
    private static Map<Object, List<PgChange>> byShape(List<PgChange> changes) {
        Map<Object, List<PgChange>> groups = new LinkedHashMap<>();
        for (PgChange ch : changes) {
            groups.computeIfAbsent(List.of(ch.rel(), ch.statement().shape()), k -> new ArrayList<>()).add(ch);
        }
        return groups;
    }

    private String table(Relation rel) {
        return sqlCache.computeIfAbsent(rel.schema() + "\u0000" + rel.name(), k -> Dialect.POSTGRESQL.quote(rel.schema(), rel.name()));
    }

    private static List<String> names(Relation rel, String mask) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < mask.length(); i++) {
            if (mask.charAt(i) == '1') {
                names.add(Dialect.POSTGRESQL.quote(rel.columns().get(i).name()));
            }
        }
        return names;
    }

    private static String match(Relation rel, String mask) {
        StringJoiner match = new StringJoiner(" AND ");
        for (String name : names(rel, mask)) {
            match.add("t." + name + " = v." + name);
        }
        return match.toString();
    }
}
