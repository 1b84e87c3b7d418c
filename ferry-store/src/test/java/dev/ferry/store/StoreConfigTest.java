package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

    @Test
    void embeddedStoreIsAnH2FileUnderTheHomeThatSurvivesCrashes() {
        var config = StoreConfig.embedded(Path.of("/var/lib/ferry"));

        assertThat(config.dialect()).isEqualTo(SqlDialect.H2);
        assertThat(config.effectiveUrl()).startsWith("jdbc:h2:retry:/var/lib/ferry/store/ferry;")
                .contains("AUTO_SERVER=FALSE").contains("WRITE_DELAY=0").contains("DB_CLOSE_DELAY=");
        assertThat(config.effectiveUser()).isEqualTo("ferry");
        assertThat(config.keyFile()).isEqualTo(Path.of("/var/lib/ferry/secret.key"));
    }

    @Test
    void postgresUrlIsUsedAsGivenAndShownWithoutParametersOrCredentials() {
        var config = new StoreConfig(Path.of("/h"), "jdbc:postgresql://u:pw@db.example:5432/ferry?password=pw&ssl=true",
                "ferry", new Secret("pw"));

        assertThat(config.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(config.display()).isEqualTo("jdbc:postgresql://db.example:5432/ferry");
        assertThat(config.toString()).doesNotContain("pw");
    }

    @Test
    void unsupportedUrlIsRefusedShowingOnlyItsScheme() {
        assertThatThrownBy(() -> new StoreConfig(Path.of("/h"), "jdbc:mysql://db/ferry?password=pw", null, null))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("jdbc:mysql")
                .hasMessageNotContaining("pw");
    }

    @Test
    void homeIsRequiredAndMustSuitAnH2Url() {
        assertThatThrownBy(() -> new StoreConfig(null, null, null, null)).isInstanceOf(FerryException.class);
        assertThatThrownBy(() -> StoreConfig.embedded(Path.of("/tmp/a;b")))
                .isInstanceOf(FerryException.class).hasMessageContaining("';'");
    }

    @Test
    void upsertIsMergeOnH2AndOnConflictOnPostgres() {
        assertThat(SqlDialect.H2.upsert("t", List.of("a", "b"), List.of("c")))
                .isEqualTo("MERGE INTO t (a, b, c) KEY (a, b) VALUES (?, ?, ?)");
        assertThat(SqlDialect.POSTGRESQL.upsert("t", List.of("a", "b"), List.of("c", "d")))
                .isEqualTo("INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET "
                        + "c = EXCLUDED.c, d = EXCLUDED.d");
    }
}
