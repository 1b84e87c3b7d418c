package dev.ferry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secure by default: a host is a host name or an IP address; TLS modes default to require and keep no secret in text. */
class DatabaseConnectionTest {
    private static DatabaseConnection at(String host) {
        return new DatabaseConnection(EngineKind.POSTGRESQL, host, 5432, "app", Secret.of("pw"), null, (String) null);
    }

    @Test
    void acceptsHostNamesAndAddresses() {
        for (String host : List.of("db", "db.example.com", "db.example.com.", "db-1.internal", "my_db", "10.0.0.7",
                "::1", "fe80::1", "2001:db8::42", "::ffff:10.0.0.1")) {
            assertThat(at(host).host()).isEqualTo(host);
        }
        assertThat(at("[::1]").host()).isEqualTo("::1");
        assertThat(at("::1").display()).isEqualTo("postgresql://app@[::1]:5432");
    }

    @Test
    void refusesAnythingThatIsNotAHostNameOrAnAddress() {
        for (String host : List.of("db:5433", "db/shop", "db?sslmode=disable", "db&x=1", "db=1", "two words", "db\n",
                "host:5433/db?sslmode=disable&x=1", "[::1]:5432", "[db]", "-db", "db-", "a..b", ":::", "1:2:3",
                "db%0a", "@db", "user@db", "[::1")) {
            assertThatThrownBy(() -> at(host)).as(host)
                    .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void newConnectionsRequireTlsAndModesReadBothVocabularies() {
        assertThat(at("db").sslMode()).isEqualTo(TlsMode.REQUIRE);
        assertThat(TlsMode.parse("VERIFY_IDENTITY")).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(TlsMode.parse("preferred")).isEqualTo(TlsMode.PREFER);
        assertThat(TlsMode.parse("allow")).isEqualTo(TlsMode.PREFER);
        assertThat(TlsMode.VERIFY_CA.verifiesCertificate()).isTrue();
        assertThat(TlsMode.VERIFY_CA.verifiesHostName()).isFalse();
        assertThat(TlsMode.PREFER.alwaysEncrypts()).isFalse();
        assertThatThrownBy(() -> TlsMode.parse("sometimes")).isInstanceOf(FerryException.class).hasMessageContaining("sometimes");
    }

    @Test
    void tlsOptionsRefuseHalfAClientIdentityAndTextThatIsNotPem() {
        assertThatThrownBy(() -> new TlsOptions(null, null, new Secret("key"), false))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> new TlsOptions("not a certificate", null, null, false))
                .isInstanceOf(FerryException.class).hasMessageContaining("CA certificate");
        assertThat(TlsOptions.NONE.toString()).doesNotContain("***").contains("clientKey=none");
    }
}
