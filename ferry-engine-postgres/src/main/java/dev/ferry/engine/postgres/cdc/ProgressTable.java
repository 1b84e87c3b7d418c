package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.Position.PgLsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The destination's bookkeeping table {@code ferry.replication_progress}: per job, the end LSN of the
 * last source transaction whose changes are committed on the destination, written in the same
 * destination transaction as those changes. Stateless; callers own the connections and transactions.
 */
final class ProgressTable {
    static final String SCHEMA = "ferry";
    static final String TABLE = "replication_progress";
    static final String QUALIFIED = Dialect.POSTGRESQL.quote(SCHEMA, TABLE);

    /** What a job last applied: the source LSN and the source commit time of its last transaction (may be null). */
    record Progress(long lsn, Instant commitTime) {}

    private ProgressTable() {}

    /** Creates the schema and table unless they exist (autocommit connection). */
    static void ensure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Dialect.POSTGRESQL.quote(SCHEMA));
            st.execute("CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (job text PRIMARY KEY, lsn pg_lsn NOT NULL, "
                    + "commit_time timestamptz, updated timestamptz NOT NULL DEFAULT now())");
        }
    }

    /** The job's recorded progress; empty when the table or the row does not exist. */
    static Optional<Progress> read(Connection c, String job) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT lsn::text, commit_time FROM " + QUALIFIED + " WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                OffsetDateTime time = rs.getObject(2, OffsetDateTime.class);
                return Optional.of(new Progress(PgLsn.parseLsn(rs.getString(1)).value(),
                        time == null ? null : time.toInstant()));
            }
        }
    }

    /** The upsert that {@link #bind} fills. */
    static PreparedStatement prepareWrite(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, lsn, commit_time, updated) VALUES (?, ?, ?, now()) "
                + "ON CONFLICT (job) DO UPDATE SET lsn = EXCLUDED.lsn, commit_time = EXCLUDED.commit_time, "
                + "updated = EXCLUDED.updated");
    }

    static void write(PreparedStatement upsert, String job, long lsn, Instant commitTime) throws SQLException {
        upsert.setString(1, job);
        upsert.setObject(2, new PgLsn(lsn).lsn(), Types.OTHER);
        if (commitTime == null) {
            upsert.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            upsert.setObject(3, OffsetDateTime.ofInstant(commitTime, ZoneOffset.UTC));
        }
        upsert.executeUpdate();
    }

    /**
     * Removes the job's row, then the table when no other job has one, then the schema when nothing
     * else is in it. Returns what it did, for the log.
     */
    static String remove(Connection c, String job) throws SQLException {
        if (!exists(c)) {
            return "nothing to remove";
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED + " WHERE job = ?")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + QUALIFIED)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return "row removed; other jobs keep the table";
                }
            }
            st.execute("DROP TABLE " + QUALIFIED);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = n.oid)"
                + " + (SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = n.oid)"
                + " + (SELECT count(*) FROM pg_catalog.pg_type WHERE typnamespace = n.oid)"
                + " FROM pg_catalog.pg_namespace n WHERE n.nspname = ?")) {
            ps.setString(1, SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return "table dropped; schema ferry kept, it holds other objects";
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + Dialect.POSTGRESQL.quote(SCHEMA));
        }
        return "table and schema dropped";
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
