package dev.ferry.engine.postgres.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.FailureKind;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
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
class PgFailuresIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    private static Throwable failureOf(TestDatabase db, String... statements) {
        return catchThrowable(() -> {
            try (Connection c = PgConnector.open(db.connection()); Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
        });
    }

    @Test
    @Timeout(60)
    void aTerminatedSessionIsTransient() throws Exception {
        TestDatabase db = pg.freshDatabase();
        try (Connection victim = PgConnector.open(db.connection()); Statement st = victim.createStatement()) {
            var rs = st.executeQuery("SELECT pg_backend_pid()");
            rs.next();
            int pid = rs.getInt(1);
            db.execute("SELECT pg_terminate_backend(" + pid + ")");
            Throwable failure = catchThrowable(() -> st.execute("SELECT 1"));

            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(PgFailures.classify(PgErrors.translate((SQLException) failure, db.connection(), "reading")))
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
        DatabaseConnection admin = pg.superuser();
        DatabaseConnection nowhere = admin.withAddress("127.0.0.1", port);
        Throwable failure = catchThrowable(() -> PgConnector.open(nowhere).close());

        assertThat(failure).isInstanceOf(FerryException.class);
        assertThat(((FerryException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(PgFailures.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    @Timeout(60)
    void lockTimeoutsStatementTimeoutsAndReadOnlyTransactionsAreTransient() {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");

        assertThat(PgFailures.classify(failureOf(db, "SET statement_timeout = 10", "SELECT pg_sleep(1)")))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(PgFailures.classify(failureOf(db, "SET default_transaction_read_only = on", "INSERT INTO t VALUES (1)")))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    @Timeout(60)
    void aDeadlockAndALockTimeoutAreTransient() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t VALUES (1, 0), (2, 0)");
        try (Connection a = PgConnector.open(db.connection()); Connection b = PgConnector.open(db.connection())) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            a.createStatement().execute("UPDATE t SET v = 1 WHERE id = 1");
            b.createStatement().execute("UPDATE t SET v = 1 WHERE id = 2");
            Throwable lockTimeout = catchThrowable(() -> {
                try (Statement st = b.createStatement()) {
                    st.execute("SAVEPOINT s; SET LOCAL lock_timeout = 50");
                    st.execute("UPDATE t SET v = 2 WHERE id = 1");
                }
            });
            assertThat(PgFailures.classify(lockTimeout)).isEqualTo(FailureKind.TRANSIENT);
            b.createStatement().execute("ROLLBACK TO SAVEPOINT s");
            var first = CompletableFuture.runAsync(() -> {
                try (Statement st = a.createStatement()) {
                    st.execute("UPDATE t SET v = 2 WHERE id = 2");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Throwable second = catchThrowable(() -> b.createStatement().execute("UPDATE t SET v = 2 WHERE id = 1"));
            Throwable firstFailure = catchThrowable(() -> first.get(30, TimeUnit.SECONDS));
            Throwable deadlock = second != null ? second : firstFailure;

            assertThat(deadlock).isNotNull();
            assertThat(PgFailures.classify(deadlock)).isEqualTo(FailureKind.TRANSIENT);
        }
    }

    @Test
    @Timeout(60)
    void programmingErrorsAndConstraintViolationsAreFatal() {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");

        assertThat(PgFailures.classify(failureOf(db, "SELECT * FROM missing_table"))).isEqualTo(FailureKind.FATAL);
        assertThat(PgFailures.classify(failureOf(db, "INSERT INTO t VALUES (1)"))).isEqualTo(FailureKind.FATAL);
        assertThat(PgFailures.classify(failureOf(db, "SELECT 1/0"))).isEqualTo(FailureKind.FATAL);
    }

    @Test
    void aLostSlotStaysFatalAndADiskFullNeedsTheUser() {
        var slotLost = new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Replication slot ferry_x no longer exists on source h:5432; restart the job",
                new SQLException("replication slot \"ferry_x\" does not exist", "42704"));
        var slotGoneWithoutCause = new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Replication slot ferry_x no longer exists on source h:5432; restart the job");
        var diskFull = new SQLException("could not extend file \"base/1/2\": No space left on device", "53100");
        var toolDiskFull = new FerryException(ErrorCode.FAILED_PRECONDITION,
                "pg_restore failed: ERROR: could not extend file: No space left on device");
        var toolLost = new FerryException(ErrorCode.FAILED_PRECONDITION,
                "pg_dump failed: server closed the connection unexpectedly");
        var diverged = new FerryException(ErrorCode.DIVERGED, "row missing",
                new SQLException("connection lost", "08006"));

        assertThat(PgFailures.classify(slotLost)).isEqualTo(FailureKind.FATAL);
        assertThat(PgFailures.classify(slotGoneWithoutCause)).isEqualTo(FailureKind.FATAL);
        assertThat(PgFailures.classify(diskFull)).isEqualTo(FailureKind.USER_FIXABLE);
        assertThat(PgFailures.classify(toolDiskFull)).isEqualTo(FailureKind.USER_FIXABLE);
        assertThat(PgFailures.classify(toolLost)).isEqualTo(FailureKind.TRANSIENT);
        assertThat(PgFailures.classify(diverged)).isEqualTo(FailureKind.DIVERGENCE);
        assertThat(PgFailures.classify(new IllegalStateException("bug"))).isEqualTo(FailureKind.FATAL);
    }
}
