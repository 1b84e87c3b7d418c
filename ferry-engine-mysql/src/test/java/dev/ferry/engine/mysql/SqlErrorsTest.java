package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
    private static final DatabaseConnection SERVER =
            new DatabaseConnection(EngineKind.MYSQL, "db.example", 3307, "app", Secret.of("hunter2"), null, null);

    @Test
    void refusedLoginIsUnauthenticatedAndNamesUserNotPassword() {
        var e = SqlErrors.map(new SQLException("(conn=7) Access denied for user 'app'", "28000", 1045), SERVER, "connect");

        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(e.getMessage()).contains("db.example:3307", "'app'").doesNotContain("hunter2");
    }

    @Test
    void unreachableServerIsUnavailable() {
        var refused = new SQLNonTransientConnectionException("Socket fail to connect", "08000", 0, new ConnectException("Connection refused"));

        var e = SqlErrors.map(refused, SERVER, "connect");

        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).startsWith("Cannot reach MySQL/MariaDB at db.example:3307");
    }

    @Test
    void mapsUnknownDatabaseAndMissingPrivileges() {
        assertThat(SqlErrors.map(new SQLException("Unknown database 'x'", "42000", 1049), SERVER, "open x").code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        for (int code : new int[] {1044, 1142, 1227}) {
            assertThat(SqlErrors.map(new SQLException("denied", "42000", code), SERVER, "do it").code())
                    .isEqualTo(ErrorCode.PERMISSION_DENIED);
        }
    }

    @Test
    void otherServerErrorsAreFailedPreconditionsWithTheServerMessage() {
        var e = SqlErrors.map(new SQLException("(conn=3) Table 'x' already exists", "42S01", 1050), SERVER, "create table x");

        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(e.getMessage()).isEqualTo("Cannot create table x on MySQL/MariaDB at db.example:3307: Table 'x' already exists");
    }

    @Test
    void mapsLibpqSslModesToTheDriversModes() {
        assertThat(MySqlConnector.driverMode(dev.ferry.core.model.TlsMode.DISABLE)).isEqualTo("disable");
        assertThat(MySqlConnector.driverMode(dev.ferry.core.model.TlsMode.REQUIRE)).isEqualTo("trust");
        assertThat(MySqlConnector.driverMode(dev.ferry.core.model.TlsMode.VERIFY_FULL)).isEqualTo("verify-full");
    }
}
