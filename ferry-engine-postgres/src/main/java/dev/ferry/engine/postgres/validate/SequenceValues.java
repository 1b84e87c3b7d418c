package dev.ferry.engine.postgres.validate;

import dev.ferry.core.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The next value each sequence of a database would hand out ({@code last_value}, plus the increment once
 * {@code is_called}), by {@code sequence schema.name}; the system schemas and Ferry's own are left out. Read in
 * statements of {@link #PER_STATEMENT} sequences. Stateless; the caller owns the connection.
 */
final class SequenceValues {
    static final int PER_STATEMENT = 200;

    private SequenceValues() {}

    private record Sequence(String schema, String name, long increment) {}

    static Map<String, Long> read(Connection c, Meter meter) throws SQLException {
        List<Sequence> sequences = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT n.nspname, c.relname, s.seqincrement FROM pg_catalog.pg_sequence s
                  JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry')
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
                 ORDER BY 1, 2""")) {
            while (rs.next()) {
                sequences.add(new Sequence(rs.getString(1), rs.getString(2), rs.getLong(3)));
                meter.row(rs.getString(1), rs.getString(2), "12345678");
            }
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (int from = 0; from < sequences.size(); from += PER_STATEMENT) {
            List<Sequence> batch = sequences.subList(from, Math.min(sequences.size(), from + PER_STATEMENT));
            List<String> selects = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                selects.add("SELECT " + i + ", last_value, is_called FROM "
                        + Dialect.POSTGRESQL.quote(batch.get(i).schema(), batch.get(i).name()));
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(String.join(" UNION ALL ", selects))) {
                while (rs.next()) {
                    Sequence s = batch.get(rs.getInt(1));
                    long last = rs.getLong(2);
                    meter.row("1234", "12345678", "t");
                    values.put("sequence " + s.schema() + "." + s.name(), rs.getBoolean(3) ? next(last, s.increment()) : last);
                }
            }
        }
        return values;
    }

    /** The value after {@code last}; at the type's end (where nextval fails) {@code last} itself. */
    private static long next(long last, long increment) {
        try {
            return Math.addExact(last, increment);
        } catch (ArithmeticException e) {
            return last;
        }
    }
}
