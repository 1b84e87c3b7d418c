package dev.ferry.engine.postgres.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PgErrorsTest {
    private final DatabaseConnection server = new DatabaseConnection(EngineKind.POSTGRESQL, "db.example", 5433, "alice",
            Secret.of("hunter22"), "app", null);

    @Test
    void refusedConnectionIsUnavailableAndNamesTheServer() {
        var e = PgErrors.translate(new SQLException("The connection attempt failed.", "08001",
                new ConnectException("Connection refused")), server, "connect");
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).startsWith("Cannot reach PostgreSQL at db.example:5433: connection refused;")
                .contains("check host, port");
    }

    @Test
    void unknownHostIsUnavailable() {
        var e = PgErrors.translate(new SQLException("x", "08001", new UnknownHostException("db.example")), server, "connect");
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("unknown host");
    }

    @Test
    void wrongPasswordIsUnauthenticatedWithoutThePassword() {
        var e = PgErrors.translate(new SQLException("FATAL: password authentication failed for user \"alice\" hunter22",
                "28P01"), server, "connect");
        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(e.getMessage()).contains("refused user alice").doesNotContain("hunter22");
    }

    @Test
    void missingDatabaseIsNotFound() {
        var e = PgErrors.translate(new SQLException("FATAL: database \"app\" does not exist", "3D000"), server, "connect");
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("Database app does not exist");
    }

    @Test
    void missingPrivilegeIsPermissionDenied() {
        var e = PgErrors.translate(new SQLException("ERROR: permission denied for table t", "42501"), server, "reading t");
        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("while reading t").contains("permission denied for table t");
    }

    @Test
    void aReadTimeoutIsAStalledConnectionAndAConnectTimeoutIsNoAnswer() {
        var stalled = PgErrors.translate(new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new java.net.SocketTimeoutException("Read timed out")), server, "reading table public.t");
        assertThat(stalled.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(stalled.getMessage()).contains("while reading table public.t: no byte from the server for 60 s (stalled connection)");
        var silent = PgErrors.translate(new SQLException("The connection attempt failed.", "08001",
                new java.net.SocketTimeoutException("Connect timed out")), server, "connect");
        assertThat(silent.getMessage()).contains("no answer within 10 s");
    }

    @Test
    void fullDiskSaysSoAndThatTheJobWaits() {
        var e = PgErrors.translate(new SQLException("ERROR: could not extend file \"pg_tblspc/16384/PG_15/16385/16390\": "
                + "No space left on device", "53100"), server, "loading table public.ledger");
        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(e.getMessage()).startsWith("The disk is full on PostgreSQL at db.example:5433 while loading table public.ledger")
                .contains("No space left on device").contains("free space there or grow the disk");
        assertThat(PgFailures.classify(e)).isEqualTo(dev.ferry.core.fault.FailureKind.USER_FIXABLE);
    }

    @Test
    void otherServerErrorsAreFailedPreconditionsWithTheirState() {
        var e = PgErrors.translate(new SQLException("ERROR: boom", "XX000"), server, "copying");
        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(e.getMessage()).contains("SQLSTATE XX000").contains("boom");
    }
}
