package dev.ferry.provisioner.local.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.release.MavenArtifacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresSettingsTest {
    @Test
    void quotesValuesForPostgresqlConf() {
        assertThat(PostgresConfig.quote("logical")).isEqualTo("'logical'");
        assertThat(PostgresConfig.quote("it's")).isEqualTo("'it''s'");
        assertThat(PostgresConfig.quote("a\\b")).isEqualTo("'a\\\\b'");
    }

    @Test
    void acceptsOrdinarySettings() {
        PostgresConfig.check(Map.of("wal_level", "logical", "shared_buffers", "1GB", "fsync", "off",
                "max_replication_slots", "20", "max_wal_senders", "20", "synchronous_commit", "off", "full_page_writes", "off"));
        assertThat(PostgresConfig.quote("")).isEqualTo("''");
    }

    @Test
    void refusesSettingsFerryManagesOrCannotWrite() {
        for (var flags : List.of(Map.of("port", "5432"), Map.of("data_directory", "/x"), Map.of("bad key", "1"),
                Map.of("work_mem", "1MB\nport = 1"), Map.of("auto_explain.log_min_duration", "10ms"))) {
            assertThatThrownBy(() -> PostgresConfig.check(flags))
                    .isInstanceOfSatisfying(FerryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"archive_command", "restore_command", "archive_cleanup_command", "recovery_end_command",
            "shared_preload_libraries", "local_preload_libraries", "session_preload_libraries", "dynamic_library_path",
            "jit_provider", "listen_addresses", "port", "hba_file", "ident_file", "data_directory", "config_file",
            "external_pid_file", "ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file",
            "ssl_passphrase_command", "log_directory", "log_filename", "logging_collector", "unix_socket_directories",
            "unix_socket_permissions", "unix_socket_group", "password_encryption", "krb_server_keyfile",
            "stats_temp_directory", "primary_conninfo", "ARCHIVE_COMMAND"})
    void refusesEachDangerousSettingNamingIt(String name) {
        assertThatThrownBy(() -> PostgresConfig.check(Map.of("work_mem", "4MB", name, "x")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("flag '" + name + "' is not allowed")
                .hasMessageContaining("Allowed: ").hasMessageContaining("shared_buffers");
    }

    @Test
    void refusesAnUnknownSetting() {
        assertThatThrownBy(() -> PostgresConfig.check(Map.of("no_such_setting", "1")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("'no_such_setting' is not allowed");
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
