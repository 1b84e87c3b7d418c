package dev.ferry.provisioner.local.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.EngineKind;
import dev.ferry.provisioner.local.instance.InstanceRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MariaDbOptionsTest {
    private static InstanceRecord record(String osUser, Path runDir) {
        return new InstanceRecord("my", EngineKind.MYSQL, Path.of("/usr/sbin/mariadbd"), 3399,
                Map.of("log_bin", "", "binlog_format", "ROW"), osUser, Path.of("/h/instances/my/data"), runDir, null);
    }

    @Test
    void startsWithoutOptionFilesAndPassesFlagsLast() {
        List<String> argv = MariaDbOptions.serverArgs(record(null, Path.of("/h/instances/my/run")));

        assertThat(argv.subList(0, 2)).containsExactly("/usr/sbin/mariadbd", "--no-defaults");
        assertThat(argv).contains("--datadir=/h/instances/my/data", "--port=3399", "--bind-address=127.0.0.1",
                "--socket=/h/instances/my/run/mariadbd.sock", "--pid-file=/h/instances/my/run/mariadbd.pid",
                "--log-error=/h/instances/my/run/server.log", "--tmpdir=/h/instances/my/run");
        assertThat(argv.subList(argv.size() - 3, argv.size())).containsExactly("--binlog_format=ROW", "--log_bin", "--skip-ssl");
        assertThat(argv).noneMatch(a -> a.startsWith("--user="));
    }

    @Test
    void dropsPrivilegesToTheServerUserWhenSwitchingUsers() {
        assertThat(MariaDbOptions.serverArgs(record("mysql", Path.of("/run/x")))).contains("--user=mysql");
    }

    @Test
    void movesATooLongSocketPathToTheTemporaryDirectory() {
        Path deep = Path.of("/var/lib/ferry/instances/" + "a".repeat(90));
        assertThat(MariaDbOptions.socket(record(null, deep)).toString()).hasSizeLessThan(100).endsWith(".sock");
    }

    @Test
    void refusesFlagsFerryManages() {
        for (var flags : List.of(Map.of("datadir", "/x"), Map.of("pid-file", "/x"), Map.of("PORT", "1"),
                Map.of("--x", "1"), Map.of("x", "a\nb"))) {
            assertThatThrownBy(() -> MariaDbOptions.check(flags))
                    .isInstanceOfSatisfying(FerryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
        MariaDbOptions.check(Map.of("binlog-format", "ROW", "server_id", "1", "log_bin", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"init-file", "init_file", "init_connect", "skip-grant-tables", "bind-address", "bind_address",
            "plugin-load", "plugin-load-add", "plugin_dir", "plugin-maturity", "secure-file-priv", "datadir", "socket",
            "port", "user", "tmpdir", "log-error", "general_log_file", "slow_query_log_file", "general_log", "pid-file",
            "ssl-cert", "ssl-key", "ssl-ca", "skip-ssl", "skip-networking", "log_bin_index", "relay_log",
            "defaults-file", "defaults-extra-file", "Init-File"})
    void refusesEachDangerousVariableNamingIt(String name) {
        assertThatThrownBy(() -> MariaDbOptions.check(Map.of("binlog_format", "ROW", name, "x")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("flag '" + name + "' is not allowed")
                .hasMessageContaining("Allowed: ").hasMessageContaining("innodb_buffer_pool_size");
    }

    @Test
    void refusesAnUnknownVariable() {
        assertThatThrownBy(() -> MariaDbOptions.check(Map.of("no_such_variable", "1")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("'no_such_variable' is not allowed");
    }

    @Test
    void takesOnlyABaseNameForTheBinaryLog() {
        MariaDbOptions.check(Map.of("log_bin", "mysql-bin"));
        for (String path : List.of("/etc/cron.d/x", "../x", "a/b")) {
            assertThatThrownBy(() -> MariaDbOptions.check(Map.of("log-bin", path)))
                    .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining("flag 'log-bin' cannot be");
        }
    }

    @Test
    void setsTlsAfterTheFlagsWhenTheInstanceHasItsCertificate(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
        for (String file : List.of("ferry-server.crt", "ferry-server.key", "ferry-ca.crt")) {
            java.nio.file.Files.writeString(run.resolve(file), "x");
        }
        List<String> argv = MariaDbOptions.serverArgs(record(null, run));

        assertThat(argv.subList(argv.size() - 3, argv.size())).containsExactly("--ssl-cert=" + run.resolve("ferry-server.crt"),
                "--ssl-key=" + run.resolve("ferry-server.key"), "--ssl-ca=" + run.resolve("ferry-ca.crt"));
    }
}
