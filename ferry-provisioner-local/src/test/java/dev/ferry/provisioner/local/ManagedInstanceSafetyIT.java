package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.provisioner.local.process.Ports;
import dev.ferry.provisioner.local.tls.InstanceCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secure by default: managed instances serve TLS with a certificate from Ferry's CA, run with a minimal environment,
 * and a new MariaDB instance never lets root in without the password.
 */
@Timeout(180)
class ManagedInstanceSafetyIT {
    /** What a server may find in its environment: Ferry's minimal set and what runuser or the server adds. */
    private static final Set<String> EXPECTED = Set.of("PATH", "LANG", "TZ", "HOME", "USER", "LOGNAME", "SHELL", "PWD",
            "PGDATA", "PGSYSCONFDIR", "PGLOCALEDIR", "PG_GRANDPARENT_PID", "PG_OOM_ADJUST_FILE", "PG_OOM_ADJUST_VALUE");

    static Path home;
    static LocalProvisioner provisioner;
    static Instance pg;
    static Instance my;

    @BeforeAll
    static void createServers() throws Exception {
        assertThat(System.getenv("FERRY_PLANTED_TOKEN")).as("failsafe plants a secret in this JVM").isNotNull();
        home = TestHomes.open("ferry-safety-it");
        provisioner = new LocalProvisioner(LocalSettings.of(home));
        pg = provisioner.create(new InstanceSpec("pg-safe", EngineKind.POSTGRESQL, null, null, Map.of("fsync", "off"), null));
        my = provisioner.create(new InstanceSpec("my-safe", EngineKind.MYSQL, null, null, Map.of(), null));
    }

    @AfterAll
    static void deleteServers() throws Exception {
        provisioner.delete("pg-safe");
        provisioner.delete("my-safe");
        TestHomes.delete(home);
    }

    @Test
    void endpointsAskForVerifiedTlsWithFerrysCa() {
        for (Instance instance : List.of(pg, my)) {
            assertThat(instance.endpoint().sslMode()).isEqualTo(TlsMode.VERIFY_FULL);
            assertThat(instance.endpoint().tls().caCertificate()).isEqualTo(provisioner.certificateAuthority().certificate());
        }
        assertThat(home.resolve("tls/ca.p12")).isRegularFile();
        assertThat(permissions(home.resolve("tls/ca.p12"))).isEqualTo("rw-------");
        assertThat(permissions(home.resolve("tls/ca.pass"))).isEqualTo("rw-------");
    }

    @Test
    void postgresServesTlsVerifiedWithFerrysCaAndTheHostName() throws Exception {
        Path ca = Files.writeString(home.resolve("ca-for-test.crt"), provisioner.certificateAuthority().certificate());
        Properties props = pgProperties("verify-full", ca);
        try (var c = DriverManager.getConnection(pgUrl(), props);
                var rs = c.createStatement().executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
        Path otherCa = Files.writeString(home.resolve("other-ca.crt"), new InstanceCa(home.resolve("other-ca")).certificate());
        assertThatThrownBy(() -> DriverManager.getConnection(pgUrl(), pgProperties("verify-full", otherCa)).close())
                .isInstanceOf(SQLException.class).hasStackTraceContaining("PKIX path");
    }

    @Test
    void mariaDbServesTlsVerifiedWithFerrysCa() throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "root");
        props.setProperty("password", my.endpoint().password().reveal());
        props.setProperty("sslMode", "verify-full");
        props.setProperty("serverSslCert", provisioner.certificateAuthority().certificate());
        try (var c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:%d/".formatted(my.endpoint().port()), props);
                var rs = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        }
    }

    @Test
    void serversSeeNoneOfFerrysEnvironment() throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).getFirst().strip());
        long mariadbd = serverProcess("my-safe").orElseThrow().pid();
        for (long pid : List.of(postmaster, mariadbd)) {
            Map<String, String> env = environ(pid);
            assertThat(env).as("environment of %d", pid).containsKey("PATH");
            assertThat(env.keySet()).as("environment of %d", pid)
                    .allMatch(key -> EXPECTED.contains(key) || key.startsWith("LC_"));
            assertThat(env.values()).noneMatch(v -> v.contains("ferry_planted_token_value") || v.contains("planted-password-value")
                    || v.contains(pg.endpoint().password().reveal()) || v.contains(my.endpoint().password().reveal()));
        }
    }

    @Test
    void noOneLogsInAsRootWithoutThePasswordAtAnyMomentOfCreation() throws Exception {
        int port = Ports.free(Set.of(pg.endpoint().port(), my.endpoint().port()));
        var creation = CompletableFuture.supplyAsync(() -> provisioner.create(
                new InstanceSpec("my-race", EngineKind.MYSQL, null, port, Map.of(), new Secret("race-password"))));
        List<String> admitted = new CopyOnWriteArrayList<>();
        try {
            while (!creation.isDone()) {
                for (Optional<String> socket : List.of(Optional.<String>empty(), serverProcess("my-race").flatMap(
                        ManagedInstanceSafetyIT::socketOf))) {
                    switch (tryRootWithoutPassword(port, socket.orElse(null))) {
                        case ADMITTED -> admitted.add(socket.map(s -> "socket " + s).orElse("tcp"));
                        case DENIED, UNREACHABLE -> { }
                    }
                }
            }
            Instance race = creation.join();
            assertThat(tryRootWithoutPassword(port, null)).isEqualTo(Attempt.DENIED);
            assertThat(tryRootWithoutPassword(port, socketOf(serverProcess("my-race").orElseThrow()).orElseThrow()))
                    .isEqualTo(Attempt.DENIED);
            assertThat(race.endpoint().password().reveal()).isEqualTo("race-password");
        } finally {
            creation.handle((i, e) -> i).join();
            if (provisioner.status("my-race").isPresent()) {
                provisioner.delete("my-race");
            }
        }
        assertThat(admitted).as("logins as root without a password").isEmpty();
    }

    private enum Attempt { ADMITTED, DENIED, UNREACHABLE }

    private static Attempt tryRootWithoutPassword(int port, String socket) {
        if (socket != null) {
            return tryRootOverSocket(socket);
        }
        Properties props = new Properties();
        props.setProperty("user", "root");
        props.setProperty("connectTimeout", "500");
        try (var c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:%d/".formatted(port), props)) {
            return c.isValid(1) ? Attempt.ADMITTED : Attempt.UNREACHABLE;
        } catch (SQLException e) {
            return e.getErrorCode() == 1045 || e.getErrorCode() == 1698 ? Attempt.DENIED : Attempt.UNREACHABLE;
        }
    }

    /** The mariadb client as OS root over the Unix socket, with no password. */
    private static Attempt tryRootOverSocket(String socket) {
        try {
            Process client = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + socket, "--user=root",
                    "--connect-timeout=1", "-e", "SELECT 1").redirectErrorStream(true).start();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = client.waitFor();
            if (exit == 0) {
                return Attempt.ADMITTED;
            }
            return output.contains("Access denied") ? Attempt.DENIED : Attempt.UNREACHABLE;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Optional<ProcessHandle> serverProcess(String name) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.stream(a).anyMatch(arg -> arg.startsWith("--datadir=")
                        && arg.contains(name))).orElse(false))
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false))
                .findFirst();
    }

    private static Optional<String> socketOf(ProcessHandle process) {
        return process.info().arguments().flatMap(a -> Arrays.stream(a).filter(arg -> arg.startsWith("--socket="))
                .map(arg -> arg.substring("--socket=".length())).findFirst());
    }

    static Map<String, String> environ(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        var env = new java.util.TreeMap<String, String>();
        for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    private static String pgUrl() {
        return "jdbc:postgresql://127.0.0.1:%d/postgres".formatted(pg.endpoint().port());
    }

    private static Properties pgProperties(String mode, Path rootCert) {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", pg.endpoint().password().reveal());
        props.setProperty("sslmode", mode);
        props.setProperty("sslrootcert", rootCert.toString());
        return props;
    }

    private static String permissions(Path file) {
        try {
            return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
