package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * The destination's table {@code ferry.replication_tables}: per job and source table, the position a copy made during
 * change replication was read at (a table created on the source after the job started, or copied again after the
 * source rewrote it), and the source table's storage (its {@code relfilenode}) the destination's rows were taken
 * from. Written in the destination transaction that copies the rows, so a copy and its position are recorded
 * together or not at all. Stateless; callers own the connections and transactions.
 */
final class TableStates {
    static final String QUALIFIED = Dialect.POSTGRESQL.quote(ProgressTable.SCHEMA, "replication_tables");

    /** A table's recorded state: {@code copiedAt} 0 when its rows came from the job's full load. */
    record State(long copiedAt, long storage) {}

    private TableStates() {}

    /** Creates the table unless it exists (the schema exists: {@link ProgressTable#ensure} made it). */
    static void ensure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (job text NOT NULL, schema_name text NOT NULL, "
                    + "table_name text NOT NULL, copied_at pg_lsn, storage oid NOT NULL, updated timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (job, schema_name, table_name))");
        }
    }

    static Map<TableRef, State> read(Connection c, String job) throws SQLException {
        Map<TableRef, State> states = new HashMap<>();
        if (!exists(c)) {
            return states;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT schema_name, table_name, copied_at::text, storage FROM "
                + QUALIFIED + " WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String at = rs.getString(3);
                    states.put(new TableRef(rs.getString(1), rs.getString(2)),
                            new State(at == null ? 0 : PgLsn.parseLsn(at).value(), rs.getLong(4)));
                }
            }
        }
        return states;
    }

    /** Records a copy of {@code table} read at {@code copiedAt} (0: none) from source storage {@code storage}. */
    static void put(Connection c, String job, TableRef table, long copiedAt, long storage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, schema_name, table_name, "
                + "copied_at, storage) VALUES (?, ?, ?, ?::pg_lsn, ?) ON CONFLICT (job, schema_name, table_name) DO UPDATE SET "
                + "copied_at = EXCLUDED.copied_at, storage = EXCLUDED.storage, updated = now()")) {
            ps.setString(1, job);
            ps.setString(2, table.schema());
            ps.setString(3, table.table());
            if (copiedAt == 0) {
                ps.setNull(4, Types.VARCHAR);
            } else {
                ps.setString(4, new PgLsn(copiedAt).lsn());
            }
            ps.setLong(5, storage);
            ps.executeUpdate();
        }
    }

    /** Records the storage of tables seen for the first time, keeping what is recorded already. */
    static void baseline(Connection c, String job, Map<TableRef, Long> storage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, schema_name, table_name, storage) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (job, schema_name, table_name) DO NOTHING")) {
            for (var e : storage.entrySet()) {
                ps.setString(1, job);
                ps.setString(2, e.getKey().schema());
                ps.setString(3, e.getKey().table());
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void delete(Connection c, String job, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED
                + " WHERE job = ? AND schema_name = ? AND table_name = ?")) {
            ps.setString(1, job);
            ps.setString(2, table.schema());
            ps.setString(3, table.table());
            ps.executeUpdate();
        }
    }

    /** Removes the job's rows, and the table when no other job has any. */
    static void remove(Connection c, String job) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED + " WHERE job = ?")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + QUALIFIED)) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + QUALIFIED); // another job finishing at the same moment may have dropped it
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            ps.setString(1, QUALIFIED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
