package dev.ferry.cli.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

    @Test
    void readsEveryPartOfAPostgresqlUrl() {
        DatabaseConnection c = DatabaseUrl.parse("postgresql://app:s3cret@db.example.com:6432/orders?sslmode=require", "source");
        assertThat(c.engine()).isEqualTo(EngineKind.POSTGRESQL);
        assertThat(c.host()).isEqualTo("db.example.com");
        assertThat(c.port()).isEqualTo(6432);
        assertThat(c.username()).isEqualTo("app");
        assertThat(c.password().reveal()).isEqualTo("s3cret");
        assertThat(c.database()).isEqualTo("orders");
        assertThat(c.sslMode()).isEqualTo(dev.ferry.core.model.TlsMode.REQUIRE);
    }

    @Test
    void acceptsPostgresAsSchemeAndDefaultsPortUserAndDatabase() {
        DatabaseConnection c = DatabaseUrl.parse("postgres://db", "source");
        assertThat(c.engine()).isEqualTo(EngineKind.POSTGRESQL);
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.username()).isEqualTo("postgres");
        assertThat(c.password()).isNull();
        assertThat(c.database()).isNull();
        assertThat(c.sslMode()).as("the default").isEqualTo(dev.ferry.core.model.TlsMode.REQUIRE);
    }

    @Test
    void mapsMysqlAndMariadbToTheMysqlEngineWithItsDefaultPort() {
        assertThat(DatabaseUrl.parse("mysql://root@h/shop", "source").engine()).isEqualTo(EngineKind.MYSQL);
        DatabaseConnection c = DatabaseUrl.parse("MariaDB://h", "destination");
        assertThat(c.engine()).isEqualTo(EngineKind.MYSQL);
        assertThat(c.port()).isEqualTo(3306);
        assertThat(c.username()).isEqualTo("root");
    }

    @Test
    void percentDecodesUserPasswordAndDatabase() {
        DatabaseConnection c = DatabaseUrl.parse("postgresql://us%40er:p%40ss%3Aw%2Fo+rd%C3%A9@h/my%20db", "source");
        assertThat(c.username()).isEqualTo("us@er");
        assertThat(c.password().reveal()).isEqualTo("p@ss:w/o+rdé");
        assertThat(c.database()).isEqualTo("my db");
    }

    @Test
    void takesTheLastAtSignAsTheEndOfTheCredentials() {
        DatabaseConnection c = DatabaseUrl.parse("postgresql://u:p@ss@host:5433", "source");
        assertThat(c.password().reveal()).isEqualTo("p@ss");
        assertThat(c.host()).isEqualTo("host");
        assertThat(c.port()).isEqualTo(5433);
    }

    @Test
    void readsABracketedIpv6Host() {
        DatabaseConnection c = DatabaseUrl.parse("postgresql://u@[::1]:5433/db", "source");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(5433);
    }

    @Test
    void acceptsAnEmptyPassword() {
        assertThat(DatabaseUrl.parse("postgresql://u:@h", "source").password().reveal()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "db.example.com:5432",
        "oracle://u:hunter2@h/db",
        "postgresql://u:hunter2@/db",
        "postgresql://u:hunter2@h:port/db",
        "postgresql://u:hunter2@h:70000/db",
        "postgresql://u:hunter2@h/db/extra",
        "postgresql://u:hunter2@h/db?sslmode=sometimes",
        "postgresql://u:hunter2@h/db?application_name=x",
        "postgresql://u:hunter2%zz@h/db",
        "postgresql://u:hunter2@[::1/db",
        "postgresql://admin:hunter2/db"
    })
    void refusesAMalformedUrlWithoutEchoingThePassword(String url) {
        assertThatThrownBy(() -> DatabaseUrl.parse(url, "source"))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.code().exitCode()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("source").doesNotContain("hunter2");
                });
    }

    @Test
    void namesTheRoleOfTheBadUrl() {
        assertThatThrownBy(() -> DatabaseUrl.parse("ftp://h", "destination"))
                .hasMessageContaining("The destination URL has scheme 'ftp'");
    }

    @Test
    void redactsThePasswordForMessages() {
        assertThat(DatabaseUrl.redact("postgresql://app:s3cret@h:5432/db")).isEqualTo("postgresql://app:***@h:5432/db");
        assertThat(DatabaseUrl.redact("postgresql://h/db")).isEqualTo("postgresql://h/db");
    }
}
