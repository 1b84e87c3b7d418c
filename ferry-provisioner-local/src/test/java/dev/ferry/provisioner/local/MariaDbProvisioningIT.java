package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.core.spi.provision.InstanceStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class MariaDbProvisioningIT {
    static Path home;
    static LocalProvisioner provisioner;
    static Instance my;
    static Secret password;

    @BeforeAll
    static void createServer() throws Exception {
        home = TestHomes.open("ferry-mariadb-it");
        provisioner = new LocalProvisioner(LocalSettings.of(home));
        my = provisioner.create(new InstanceSpec("my", EngineKind.MYSQL, null, null,
                Map.of("log_bin", "mysql-bin", "binlog_format", "ROW", "server_id", "7"), null));
        password = my.endpoint().password();
    }

    @AfterAll
    static void deleteServer() throws Exception {
        provisioner.delete("my");
        TestHomes.delete(home);
    }

    @Test
    void connectsOverTcpWithTheGeneratedPassword() throws SQLException {
        assertThat(my.endpoint().username()).isEqualTo("root");
        assertThat(my.version()).contains("MariaDB");
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT VERSION()")).isEqualTo(my.version());
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT CURRENT_USER()")).isEqualTo("root@127.0.0.1");
    }

    @Test
    void refusesAWrongPassword() {
        assertThatThrownBy(() -> Jdbc.connect(my.endpoint(), new Secret("wrong")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");
    }

    @Test
    void hasNoAccountWithoutAPassword() throws SQLException {
        assertThat(Jdbc.column(my.endpoint(), password,
                "SELECT CONCAT(user, '@', host) FROM mysql.user WHERE user = '' OR (user = 'root' AND authentication_string = '')"))
                .isEmpty();
    }

    @Test
    void appliesTheSpecsFlags() throws SQLException {
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT @@log_bin")).isEqualTo("1");
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT @@binlog_format")).isEqualTo("ROW");
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT @@server_id")).isEqualTo("7");
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT @@bind_address")).isEqualTo("127.0.0.1");
    }

    @Test
    void keepsDataAcrossStopAndStart() throws SQLException {
        Jdbc.execute(my.endpoint(), password, "CREATE DATABASE kept", "CREATE TABLE kept.t (id int)",
                "INSERT INTO kept.t VALUES (42)");
        provisioner.stop("my");
        assertThat(provisioner.status("my")).get().extracting(Instance::status).isEqualTo(InstanceStatus.STOPPED);

        Instance started = provisioner.start("my");

        assertThat(started.status()).isEqualTo(InstanceStatus.RUNNING);
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT id FROM kept.t")).isEqualTo("42");
        assertThat(Jdbc.single(my.endpoint(), password, "SELECT @@binlog_format")).isEqualTo("ROW");
    }

    @Test
    void keepsNoPasswordOnDiskOrInTheLog() throws Exception {
        String properties = Files.readString(home.resolve("instances/my/instance.properties"), StandardCharsets.UTF_8);
        assertThat(properties).contains("engine=mysql").doesNotContain(password.reveal());
        assertThat(Files.readString(my.logFile(), StandardCharsets.UTF_8)).doesNotContain(password.reveal());
    }

    @Test
    void refusesFlagsThatWouldMoveTheDataDirectory() {
        var spec = new InstanceSpec("my-flags", EngineKind.MYSQL, null, null, Map.of("datadir", "/tmp/x"), null);
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void refusesAVersionThatIsNotInstalled() {
        var spec = new InstanceSpec("my-old", EngineKind.MYSQL, "5.1", null, Map.of(), null);
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("MariaDB 5.1 was asked for");
    }

    @Test
    void deletingRemovesTheInstanceAndItsDirectory() throws SQLException {
        Instance doomed = provisioner.create(new InstanceSpec("my-doomed", EngineKind.MYSQL, null, null, Map.of(),
                new Secret("given'pass\\x")));
        assertThat(Jdbc.single(doomed.endpoint(), new Secret("given'pass\\x"), "SELECT 1")).isEqualTo("1");

        provisioner.delete("my-doomed");

        assertThat(home.resolve("instances/my-doomed")).doesNotExist();
        assertThat(provisioner.status("my-doomed")).isEmpty();
        assertThat(dev.ferry.provisioner.local.process.Ports.accepting(doomed.endpoint().port())).isFalse();
    }

    @Test
    void quotesTheServerLogWhenTheServerDoesNotStartAndLeavesNothingBehind() {
        var spec = new InstanceSpec("my-bad", EngineKind.MYSQL, null, null, Map.of("binlog_format", "NO_SUCH_FORMAT"),
                new Secret("not-in-errors"));
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("my-bad-failed-create.log")
                .hasMessageContaining("instance my-bad exited while starting")
                .hasMessageContaining("NO_SUCH_FORMAT")
                .message().doesNotContain("not-in-errors");
        assertThat(home.resolve("instances/my-bad")).doesNotExist();
        assertThat(home.resolve("logs/my-bad-failed-create.log")).isNotEmptyFile();
    }
}
