package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.core.spi.provision.InstanceStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class PostgresProvisioningIT {
    static Path home;

    static LocalProvisioner provisioner;
    static Instance pg;
    static Secret password;

    @BeforeAll
    static void createCluster() throws Exception {
        home = TestHomes.open("ferry-pg-it");
        provisioner = new LocalProvisioner(LocalSettings.of(home));
        pg = provisioner.create(new InstanceSpec("pg", EngineKind.POSTGRESQL, null, null,
                Map.of("wal_level", "logical", "max_replication_slots", "4", "fsync", "off"), null));
        password = pg.endpoint().password();
    }

    @AfterAll
    static void deleteCluster() throws Exception {
        provisioner.delete("pg");
        TestHomes.delete(home);
    }

    @Test
    void connectsOverTcpWithTheGeneratedPassword() throws SQLException {
        assertThat(password.reveal()).matches("[A-Za-z0-9_-]{32}");
        assertThat(pg.endpoint().host()).isEqualTo("127.0.0.1");
        assertThat(pg.endpoint().username()).isEqualTo("postgres");
        assertThat(pg.status()).isEqualTo(InstanceStatus.RUNNING);
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW server_version")).startsWith(pg.version());
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW server_encoding")).isEqualTo("UTF8");
    }

    @Test
    void refusesAWrongPassword() {
        assertThatThrownBy(() -> Jdbc.connect(pg.endpoint(), new Secret("wrong")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void appliesTheSpecsFlags() throws SQLException {
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW wal_level")).isEqualTo("logical");
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW max_replication_slots")).isEqualTo("4");
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW fsync")).isEqualTo("off");
    }

    @Test
    void acceptsReplicationConnectionsFromLocalhost() throws SQLException {
        var props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", password.reveal());
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        String url = "jdbc:postgresql://127.0.0.1:%d/postgres".formatted(pg.endpoint().port());
        try (var c = java.sql.DriverManager.getConnection(url, props);
                var rs = c.createStatement().executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("systemid")).isNotBlank();
        }
    }

    @Test
    void keepsDataAcrossStopAndStart() throws SQLException {
        Jdbc.execute(pg.endpoint(), password, "CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (42)");
        provisioner.stop("pg");
        assertThat(provisioner.status("pg")).get().extracting(Instance::status).isEqualTo(InstanceStatus.STOPPED);
        provisioner.stop("pg");

        Instance started = provisioner.start("pg");

        assertThat(started.status()).isEqualTo(InstanceStatus.RUNNING);
        assertThat(started.endpoint().password()).isNull();
        assertThat(started.endpoint().port()).isEqualTo(pg.endpoint().port());
        assertThat(Jdbc.single(pg.endpoint(), password, "SELECT id FROM kept")).isEqualTo("42");
        assertThat(Jdbc.single(pg.endpoint(), password, "SHOW wal_level")).isEqualTo("logical");
        assertThat(provisioner.start("pg").status()).isEqualTo(InstanceStatus.RUNNING);
    }

    @Test
    void keepsNoPasswordOnDisk() throws Exception {
        String properties = Files.readString(home.resolve("instances/pg/instance.properties"), StandardCharsets.UTF_8);
        assertThat(properties).contains("engine=postgresql").doesNotContain(password.reveal());
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("ferry-initdb-"));
        }
    }

    @Test
    void refusesAPortAnotherInstanceUses() {
        var spec = new InstanceSpec("pg-clash", EngineKind.POSTGRESQL, null, pg.endpoint().port(), Map.of(), null);
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS))
                .hasMessageContaining("Port %d".formatted(pg.endpoint().port()));
        assertThat(provisioner.status("pg-clash")).isEmpty();
    }

    @Test
    void refusesAPortSomethingElseListensOn() throws Exception {
        try (var foreign = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var spec = new InstanceSpec("pg-busy", EngineKind.POSTGRESQL, null, foreign.getLocalPort(), Map.of(), null);
            assertThatThrownBy(() -> provisioner.create(spec))
                    .isInstanceOfSatisfying(FerryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void refusesAnExistingName() {
        var spec = new InstanceSpec("pg", EngineKind.POSTGRESQL, null, null, Map.of(), null);
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void refusesFlagsThatWouldMoveThePort() {
        var spec = new InstanceSpec("pg-flags", EngineKind.POSTGRESQL, null, null, Map.of("port", "5432"), null);
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void deletingRemovesTheInstanceAndItsDirectory() throws SQLException {
        Instance doomed = provisioner.create(new InstanceSpec("pg-doomed", EngineKind.POSTGRESQL, null, null, Map.of(),
                new Secret("given'pass")));
        assertThat(Jdbc.single(doomed.endpoint(), new Secret("given'pass"), "SELECT 1")).isEqualTo("1");
        assertThat(provisioner.list()).extracting(Instance::name).contains("pg", "pg-doomed");

        provisioner.delete("pg-doomed");

        assertThat(home.resolve("instances/pg-doomed")).doesNotExist();
        assertThat(doomed.dataDirectory()).doesNotExist();
        assertThat(provisioner.status("pg-doomed")).isEmpty();
        assertThatThrownBy(() -> provisioner.start("pg-doomed"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void namesWhatToInstallForAMajorItCannotProvide() {
        assumeFalse(Files.isDirectory(Path.of("/usr/lib/postgresql/11/bin")), "PostgreSQL 11 is installed here");
        var spec = new InstanceSpec("pg-old", EngineKind.POSTGRESQL, "11", null, Map.of(), null);
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("install postgresql-11");
    }

    @Test
    void namesWhatToInstallWhenMavenCentralIsUnreachable() {
        assumeFalse(Files.isDirectory(Path.of("/usr/lib/postgresql/14/bin")), "PostgreSQL 14 is installed here");
        var offline = new LocalProvisioner(new LocalSettings(home.resolve("offline"), home.resolve("offline-cache"),
                java.net.URI.create("http://127.0.0.1:9/maven2/"), null));
        var spec = new InstanceSpec("pg-14", EngineKind.POSTGRESQL, "14", null, Map.of(), null);
        assertThatThrownBy(() -> offline.create(spec))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("No PostgreSQL 14 server binaries in /usr/lib/postgresql/14/bin")
                .hasMessageContaining("Maven Central unreachable")
                .hasMessageContaining("install postgresql-14");
    }

    @Test
    void quotesTheServerLogWhenTheServerDoesNotStartAndLeavesNothingBehind() {
        var spec = new InstanceSpec("pg-bad", EngineKind.POSTGRESQL, null, null,
                Map.of("wal_level", "bogus", "fsync", "off"), new Secret("not-in-errors"));
        assertThatThrownBy(() -> provisioner.create(spec))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("pg-bad-failed-create.log")
                .hasMessageContaining("instance pg-bad")
                .hasMessageContaining("invalid value for parameter \"wal_level\"")
                .message().doesNotContain("not-in-errors");
        assertThat(home.resolve("instances/pg-bad")).doesNotExist();
        assertThat(home.resolve("logs/pg-bad-failed-create.log")).isNotEmptyFile();
    }
}
