package dev.ferry.engine.postgres.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TlsMode;
import org.junit.jupiter.api.Test;

class PgConnectorTest {
    private final DatabaseConnection server = new DatabaseConnection(EngineKind.POSTGRESQL, "db.example", 5433, "ferry",
            Secret.of("s3cret-pw"), "app", null);

    @Test
    void theJobsStallTimeoutBoundsHowLongASessionWaitsForTheServer() {
        assertThat(PgConnector.properties(server).getProperty("socketTimeout")).isEqualTo("60");
        assertThat(PgConnector.properties(server.withStallTimeout(java.time.Duration.ofMillis(12_500)))
                .getProperty("socketTimeout")).isEqualTo("13");
        assertThat(PgConnector.properties(server).getProperty("tcpKeepAlive")).isEqualTo("true");
        assertThat(server.withStallTimeout(java.time.Duration.ofSeconds(5)).withDatabase("other").effectiveStallTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(5));
    }

    @Test
    void urlNeverContainsThePassword() {
        assertThat(PgConnector.url("db.example", 5433, "app")).isEqualTo("jdbc:postgresql://db.example:5433/app")
                .doesNotContain("s3cret");
    }

    @Test
    void urlEncodesDatabaseNamesWithSpecialCharacters() {
        assertThat(PgConnector.url("h", 1, "my db?x=1&y/z")).isEqualTo("jdbc:postgresql://h:1/my+db%3Fx%3D1%26y%2Fz");
    }

    @Test
    void urlBracketsIpv6Hosts() {
        assertThat(PgConnector.url("::1", 5432, "d")).isEqualTo("jdbc:postgresql://[::1]:5432/d");
    }

    @Test
    void propertiesCarryCredentialsApplicationNameAndShortTimeouts() {
        var props = PgConnector.properties(server);
        assertThat(props.getProperty("user")).isEqualTo("ferry");
        assertThat(props.getProperty("password")).isEqualTo("s3cret-pw");
        assertThat(props.getProperty("ApplicationName")).isEqualTo("ferry");
        assertThat(props.getProperty("sslmode")).isEqualTo("require");
        assertThat(props.getProperty("sslfactory")).isEqualTo(PgTlsFactory.class.getName());
        assertThat(props.getProperty("connectTimeout")).isEqualTo("10");
    }

    @Test
    void propertiesOmitAMissingPassword() {
        assertThat(PgConnector.properties(server.withPassword(null)).getProperty("password")).isNull();
    }

    @Test
    void tlsModesAreNormalisedAndValidated() {
        assertThat(TlsMode.parse(" Verify-Full ")).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(TlsMode.parse("VERIFY_IDENTITY")).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(TlsMode.parse("REQUIRED")).isEqualTo(TlsMode.REQUIRE);
        assertThat(TlsMode.parse("disabled")).isEqualTo(TlsMode.DISABLE);
        assertThatThrownBy(() -> TlsMode.parse("maybe"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void aDisabledConnectionHasNoTlsFactoryAndCertificatesStayOutOfTheUrl() {
        var plain = server.withTls(TlsMode.DISABLE, null);
        assertThat(PgConnector.properties(plain).getProperty("sslmode")).isEqualTo("disable");
        assertThat(PgConnector.properties(plain).getProperty("sslfactory")).isNull();
    }
}
