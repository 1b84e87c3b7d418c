package dev.ferry.provisioner.local.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresSettingsTest {
    @Test
    void quotesValuesForPostgresqlConf() {
        assertThat(PostgresConfig.quote("logical")).isEqualTo("'logical'");
        assertThat(PostgresConfig.quote("it's")).isEqualTo("'it''s'");
        assertThat(PostgresConfig.quote("a\\b")).isEqualTo("'a\\\\b'");
    }

    @Test
    void acceptsOrdinarySettings() {
        PostgresConfig.check(Map.of("wal_level", "logical", "auto_explain.log_min_duration", "10ms", "fsync", "off"));
        assertThat(PostgresConfig.quote("")).isEqualTo("''");
    }

    @Test
    void refusesSettingsFerryManagesOrCannotWrite() {
        for (var flags : List.of(Map.of("port", "5432"), Map.of("data_directory", "/x"), Map.of("bad key", "1"),
                Map.of("work_mem", "1MB\nport = 1"))) {
            assertThatThrownBy(() -> PostgresConfig.check(flags))
                    .isInstanceOfSatisfying(FerryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void readsTheMajorOfAVersion() {
        assertThat(PostgresBinaries.major("16")).isEqualTo(16);
        assertThat(PostgresBinaries.major(" 15.4 ")).isEqualTo(15);
        assertThat(PostgresBinaries.major("9.6")).isEqualTo(9);
        assertThatThrownBy(() -> PostgresBinaries.major("latest"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void ordersMavenVersionsNumerically() {
        assertThat(MavenArtifacts.compare(MavenArtifacts.numbers("16.10.0"), MavenArtifacts.numbers("16.9.0"))).isPositive();
        assertThat(MavenArtifacts.compare(MavenArtifacts.numbers("13.1.0-1"), MavenArtifacts.numbers("13.1.0"))).isPositive();
        assertThat(MavenArtifacts.compare(MavenArtifacts.numbers("17.0.0"), MavenArtifacts.numbers("17.0.0"))).isZero();
        assertThat(MavenArtifacts.compare(MavenArtifacts.numbers("9.6.24"), MavenArtifacts.numbers("10.4.0"))).isNegative();
    }
}
