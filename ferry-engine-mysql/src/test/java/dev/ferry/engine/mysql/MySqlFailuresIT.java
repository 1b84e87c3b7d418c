package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.FailureKind;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.io.EOFException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The classifier against failures provoked on a real server (riding through faults). */
class MySqlFailuresIT {
    @RegisterExtension
    static final LocalMariaDb my = LocalMariaDb.shared();

    private final MySqlConnector connector = new MySqlConnector();

    private Connection open(TestDatabase db) {
        return connector.open(my.superuser(), db.name(), MySqlConnector.Role.SOURCE);
    }

    private Throwable failureOf(TestDatabase db, String... statements) {
        return catchThrowable(() -> {
            try (Connection c = open(db); Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
        });
    }

    @Test
    @Timeout(60)
    void aKilledSessionIsTransient() throws Exception {
        TestDatabase db = my.freshDatabase();
        try (Connection victim = open(db); Statement st = victim.createStatement()) {
            var rs = st.executeQuery("SELECT CONNECTION_ID()");
            rs.next();
            long id = rs.getLong(1);
            db.execute("KILL CONNECTION " + id);
            Throwable failure = catchThrowable(() -> st.execute("SELECT 1"));

            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(MySqlFailures.classify(SqlErrors.map((SQLException) failure, my.superuser(), "read")))
                    .isEqualTo(FailureKind.TRANSIENT);
        }
    }

    /**
     * A stalled load's connection is aborted by its watch between two batches: the next batch fails at once with the
     * driver's "Connection is closed" (SQLState 08000, under an error number of its own, 1220), a lost connection.
     */
    @Test
    @Timeout(60)
    void aBatchOnAConnectionAbortedByTheClientIsTransient() throws Exception {
        TestDatabase db = my.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        try (Connection loader = connector.open(my.superuser(), db.name(), MySqlConnector.Role.LOADER);
                var insert = loader.prepareStatement("INSERT INTO t (id) VALUES (?)")) {
            insert.setInt(1, 1);
            insert.addBatch();
            loader.abort(Runnable::run);
            Throwable failure = catchThrowable(insert::executeLargeBatch);

            assertThat(failure).isInstanceOf(java.sql.BatchUpdateException.class).rootCause().hasMessageContaining("Connection is closed");
            assertThat(MySqlFailures.classify(new FerryException(ErrorCode.UNAVAILABLE, "lost the load", failure)))
                    .isEqualTo(FailureKind.TRANSIENT);
        }
    }

    @Test
    @Timeout(60)
    void aRefusedConnectionIsTransient() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        DatabaseConnection admin = my.superuser();
        DatabaseConnection nowhere = admin.withAddress("127.0.0.1", port).withDatabase(null);
        Throwable failure = catchThrowable(() -> connector.open(nowhere, null, MySqlConnector.Role.SOURCE).close());

        assertThat(failure).isInstanceOf(FerryException.class);
        assertThat(MySqlFailures.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    @Timeout(60)
    void aDeadlockAndALockWaitTimeoutAreTransient() throws Exception {
        TestDatabase db = my.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int) ENGINE=InnoDB", "INSERT INTO t VALUES (1, 0), (2, 0)");
        try (Connection a = open(db); Connection b = open(db)) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            a.createStatement().execute("UPDATE t SET v = 1 WHERE id = 1");
            b.createStatement().execute("UPDATE t SET v = 1 WHERE id = 2");
            b.createStatement().execute("SET SESSION innodb_lock_wait_timeout = 1");
            Throwable lockWait = catchThrowable(() -> b.createStatement().execute("UPDATE t SET v = 2 WHERE id = 1"));
            assertThat(lockWait).isInstanceOf(SQLException.class);
            assertThat(((SQLException) lockWait).getErrorCode()).isEqualTo(1205);
            assertThat(MySqlFailures.classify(lockWait)).isEqualTo(FailureKind.TRANSIENT);

            b.createStatement().execute("SET SESSION innodb_lock_wait_timeout = 30");
            var first = CompletableFuture.runAsync(() -> {
                try (Statement st = a.createStatement()) {
                    st.execute("UPDATE t SET v = 2 WHERE id = 2");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Throwable second = catchThrowable(() -> b.createStatement().execute("UPDATE t SET v = 3 WHERE id = 1"));
            Throwable firstFailure = catchThrowable(() -> first.get(30, TimeUnit.SECONDS));
            Throwable deadlock = second != null ? second : firstFailure;

            assertThat(deadlock).isNotNull();
            assertThat(MySqlFailures.classify(deadlock)).isEqualTo(FailureKind.TRANSIENT);
        }
    }

    @Test
    @Timeout(60)
    void aStatementTimeoutIsTransient() {
        TestDatabase db = my.freshDatabase();

        assertThat(MySqlFailures.classify(failureOf(db, "SET SESSION max_statement_time = 0.05", "SELECT SLEEP(2) FROM DUAL",
                "SELECT COUNT(*) FROM information_schema.COLUMNS a, information_schema.COLUMNS b")))
                .isIn(FailureKind.TRANSIENT);
    }

    @Test
    @Timeout(60)
    void programmingErrorsAndConstraintViolationsAreFatal() {
        TestDatabase db = my.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");

        assertThat(MySqlFailures.classify(failureOf(db, "SELECT * FROM missing_table"))).isEqualTo(FailureKind.FATAL);
        assertThat(MySqlFailures.classify(failureOf(db, "INSERT INTO t VALUES (1)"))).isEqualTo(FailureKind.FATAL);
        assertThat(MySqlFailures.classify(failureOf(db, "SELEC 1"))).isEqualTo(FailureKind.FATAL);
    }

    @Test
    void diskFullNeedsTheUserAndOtherKindsFollowTheirCodes() {
        assertThat(MySqlFailures.classify(new SQLException("The table 't' is full", "HY000", 1114)))
                .isEqualTo(FailureKind.USER_FIXABLE);
        assertThat(MySqlFailures.classify(new SQLException("Disk full (/tmp/x); waiting for someone to free space...",
                "HY000", 1021))).isEqualTo(FailureKind.USER_FIXABLE);
        assertThat(MySqlFailures.classify(new SQLException("Error writing file './t.ibd' (Errcode: 28 \"No space left on device\")",
                "HY000", 3))).isEqualTo(FailureKind.USER_FIXABLE);
        assertThat(MySqlFailures.classify(new SQLException("Server shutdown in progress", "08S01", 1053)))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(MySqlFailures.classify(new SQLException("The MariaDB server is running with the --read-only option",
                "HY000", 1290))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(MySqlFailures.classify(new SQLException("The MySQL server is running with the --secure-file-priv option",
                "HY000", 1290))).isEqualTo(FailureKind.FATAL);
        assertThat(MySqlFailures.classify(new FerryException(ErrorCode.FAILED_PRECONDITION, "binlog stream lost",
                new EOFException()))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(MySqlFailures.classify(new ServerException("Could not find first log file name in binary log index file",
                1236, "HY000"))).isEqualTo(FailureKind.FATAL);
        assertThat(MySqlFailures.classify(new FerryException(ErrorCode.DIVERGED, "row missing"))).isEqualTo(FailureKind.DIVERGENCE);
    }
}
