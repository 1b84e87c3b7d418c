package dev.ferry.engine.postgres.connect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Session settings that make the text form of values identical on every server, whatever the
 * server, database or role defaults are: needed for text COPY between servers and for comparing
 * content hashes. Also lifts timeouts that would cut a long copy short. A source session then gets a lock
 * timeout ({@link #applySource}): Ferry's own statements never queue for long behind another session's lock.
 */
public final class SessionSettings {
    static final List<String> PORTABLE_TEXT = List.of(
            "SET TimeZone = 'UTC'",
            "SET DateStyle = 'ISO, MDY'",
            "SET IntervalStyle = 'postgres'",
            "SET extra_float_digits = 3",
            "SET bytea_output = 'hex'",
            "SET xmloption = content",
            "SET statement_timeout = 0",
            "SET lock_timeout = 0",
            "SET idle_in_transaction_session_timeout = 0");

    /** The SQLSTATE of a statement cancelled by {@code lock_timeout}. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private SessionSettings() {}

    /**
     * Settings of a source session: its statements wait at most {@code lockWait} for a lock another session holds
     * or waits for (SQLSTATE {@value #LOCK_NOT_AVAILABLE} after that), so they never queue long behind a DDL, and
     * never make the application's statements queue behind them. Call outside any transaction block.
     */
    public static void applySource(Connection c, Duration lockWait) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = " + Math.max(1, lockWait.toMillis()));
        }
    }

    /** True when {@code e} is a lock timeout (the lock was not granted within the session's lock_timeout). */
    public static boolean isLockTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && LOCK_NOT_AVAILABLE.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Settings of a destination session that loads data: a commit does not wait for its WAL to reach
     * disk (a crash loses at most the last commits, which a retried copy redoes anyway). Before anything
     * records such a load as done, {@link #makeDurable} must run.
     */
    public static void applyLoading(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit = off");
        }
    }

    /**
     * Waits until everything this server committed so far is on disk: one small synchronous commit, whose
     * flush covers all WAL before it, including the asynchronous commits of every loading session. Call it
     * after a table's load (and index builds) and before its checkpoint, so the checkpoint never claims
     * data a destination crash could lose. {@code c} in autocommit mode, outside any transaction.
     */
    public static void makeDurable(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit = on");
            // Assigning a transaction id makes the commit write (and flush) a commit record.
            st.execute("SELECT pg_catalog.txid_current()");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Settings of a validation session: the portable text forms ({@link #applyPortable}), money printed without
     * the server's locale and names printed schema-qualified (search path {@code pg_catalog} only), so the text of
     * every value is the same on any server of a supported major; read-only; and lock waits of at most
     * {@code lockWait}, so a validation statement never queues long behind a DDL. Call outside any transaction block.
     */
    public static void applyValidation(Connection c, Duration lockWait) throws SQLException {
        applyPortable(c);
        try (Statement st = c.createStatement()) {
            st.execute(String.join("; ", List.of(
                    "SET lc_monetary = 'C'",
                    "SET search_path = pg_catalog",
                    "SET default_transaction_read_only = on",
                    // Validation runs its ranges in parallel sessions itself: parallel workers per range cost their
                    // start-up and take cores from the other sessions (measured ~2x slower ranges on 2 cores).
                    "SET max_parallel_workers_per_gather = 0",
                    "SET lock_timeout = " + Math.max(1, lockWait.toMillis()))));
        }
    }

    /** Applies the portable settings to {@code c}; call outside any transaction block. */
    public static void applyPortable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(String.join("; ", PORTABLE_TEXT));
        }
    }
}
