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
        assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("--binlog_format=ROW", "--log_bin");
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
}
