package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.core.tls.TlsProblem;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.provisioner.local.LocalProvisioner;
import dev.ferry.provisioner.local.LocalSettings;
import dev.ferry.provisioner.local.tls.InstanceCa;
import dev.ferry.provisioner.local.tls.InstanceTls;
import dev.ferry.provisioner.local.tls.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secure by default: real PostgreSQL and MariaDB servers with TLS, their certificates made by this test (through a CA of
 * its own home), reached through Ferry's own connection code: verified TLS works; a wrong CA, a wrong host name
 * and a server without TLS fail saying which, without falling back; a client certificate logs in.
 */
@Timeout(300)
class DatabaseTlsIT {
    static Path home;
    static LocalProvisioner secured;
    static LocalProvisioner plain;
    static Instance pg;
    static Instance my;
    static Instance pgPlain;
    static Instance myPlain;
    static final EngineRegistry engines = EngineRegistry.load();
    static final MySqlConnector mysql = new MySqlConnector();

    @BeforeAll
    static void createServers() throws Exception {
        home = Files.createTempDirectory("ferry-tls-it");
        secured = new LocalProvisioner(LocalSettings.of(home.resolve("secured")));
        plain = new LocalProvisioner(LocalSettings.of(home.resolve("plain")).withoutTls());
        pg = secured.create(new InstanceSpec("pg-tls", EngineKind.POSTGRESQL, null, null, Map.of("fsync", "off"), null));
        my = secured.create(new InstanceSpec("my-tls", EngineKind.MYSQL, null, null, Map.of(), null));
        pgPlain = plain.create(new InstanceSpec("pg-plain", EngineKind.POSTGRESQL, null, null, Map.of("fsync", "off"), null));
        myPlain = plain.create(new InstanceSpec("my-plain", EngineKind.MYSQL, null, null, Map.of(), null));
    }

    @AfterAll
    static void deleteServers() throws Exception {
        for (String name : List.of("pg-tls", "my-tls")) {
            secured.delete(name);
        }
        for (String name : List.of("pg-plain", "my-plain")) {
            plain.delete(name);
        }
        try (var paths = Files.walk(home)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void verifyFullWithTheRightCaAndHostNameWorksOnBothEngines() throws Exception {
        assertThat(pg.endpoint().sslMode()).isEqualTo(TlsMode.VERIFY_FULL);
        engines.get(EngineKind.POSTGRESQL).probe(pg.endpoint());
        engines.get(EngineKind.MYSQL).probe(my.endpoint());
        try (Connection c = PgConnector.open(pg.endpoint())) {
            assertThat(single(c, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("true");
        }
        try (Connection c = mysql.open(my.endpoint(), null, MySqlConnector.Role.SOURCE)) {
            assertThat(single(c, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_VERSION'"))
                    .startsWith("TLSv1.");
        }
    }

    @Test
    void verifyFullWithAWrongCaFailsSayingTheCertificateIsNotTrusted() {
        String otherCa = new InstanceCa(home.resolve("other-ca")).certificate();
        for (Instance instance : List.of(pg, my)) {
            DatabaseConnection wrongCa = instance.endpoint().withTls(TlsMode.VERIFY_FULL, new TlsOptions(otherCa, null, null, false));
            assertThatThrownBy(() -> engines.get(wrongCa.engine()).probe(wrongCa))
                    .as("%s", instance.name())
                    .isInstanceOfSatisfying(FerryException.class, e -> {
                        assertThat(e.code()).as(describe(e)).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                        assertThat(TlsProblem.of(e)).contains(TlsProblem.UNTRUSTED_CERTIFICATE);
                    })
                    .hasMessageContaining("not signed by a trusted CA");
        }
    }

    @Test
    void verifyFullWithAWrongHostNameFailsSayingSoWhileVerifyCaPasses() throws Exception {
        IssuedCertificate elsewhere = secured.certificateAuthority().issue("db.example", InstanceCa.Purpose.SERVER,
                List.of("db.example"));
        Path certificate = pg.dataDirectory().resolve("ferry-server.crt");
        Path key = pg.dataDirectory().resolve("ferry-server.key");
        String originalCertificate = Files.readString(certificate);
        String originalKey = Files.readString(key);
        try (InProcessFerry ferry = InProcessFerry.start()) {
            ferry.profile("src", pg.endpoint());
            ferry.profile("dst", pgPlain.endpoint().withTls(TlsMode.PREFER, null));
            ferry.job("tls-job", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

            // The server now shows a certificate from the right CA, for another name.
            Files.writeString(key, elsewhere.privateKey().reveal());
            Files.writeString(certificate, elsewhere.certificate());
            reloadPostgres();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThatThrownBy(() -> engines.get(EngineKind.POSTGRESQL).probe(pg.endpoint()))
                            .isInstanceOfSatisfying(FerryException.class,
                                    e -> assertThat(TlsProblem.of(e)).contains(TlsProblem.HOST_NAME_MISMATCH))
                            .hasMessageContaining("does not name the host"));
            engines.get(EngineKind.POSTGRESQL).probe(pg.endpoint().withTls(TlsMode.VERIFY_CA, pg.endpoint().tls()));

            // verify names it too, and warns about the destination that is not verified.
            List<Finding> findings = ferry.control().jobs().verify("tls-job");
            assertThat(findings).anySatisfy(f -> {
                assertThat(f.code()).isEqualTo("TLS_HOST_NAME_MISMATCH");
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.object()).isEqualTo("source");
                // What to do is said once, in the remedy, not also at the end of the message.
                assertThat(f.remedy()).isEqualTo("In the source profile: " + TlsProblem.HOST_NAME_MISMATCH.remedy());
                assertThat(f.message()).contains("does not name the host").doesNotContain(TlsProblem.HOST_NAME_MISMATCH.remedy());
            });
            assertThat(findings).anySatisfy(f -> {
                assertThat(f.code()).isEqualTo("TLS_NOT_VERIFIED");
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.object()).isEqualTo("dst");
            });
        } finally {
            Files.writeString(key, originalKey);
            Files.writeString(certificate, originalCertificate);
            reloadPostgres();
        }
    }

    @Test
    void verifyFullWithAWrongHostNameFailsOnMariaDbTooWhileVerifyCaPasses() throws Exception {
        IssuedCertificate elsewhere = secured.certificateAuthority().issue("db.example", InstanceCa.Purpose.SERVER,
                List.of("db.example"));
        Path run = my.dataDirectory().resolveSibling("run");
        Path dir = Files.exists(run.resolve(InstanceTls.CERTIFICATE)) ? run : my.dataDirectory();
        Path certificate = dir.resolve(InstanceTls.CERTIFICATE);
        Path key = dir.resolve(InstanceTls.KEY);
        String originalCertificate = Files.readString(certificate);
        String originalKey = Files.readString(key);
        DatabaseConnection caOnly = my.endpoint().withTls(TlsMode.VERIFY_CA, my.endpoint().tls());
        try {
            // The server now shows a certificate from the right CA, for another name.
            Files.writeString(key, elsewhere.privateKey().reveal());
            Files.writeString(certificate, elsewhere.certificate());
            flushMariaDbTls(caOnly);
            assertThatThrownBy(() -> engines.get(EngineKind.MYSQL).probe(my.endpoint()))
                    .isInstanceOfSatisfying(FerryException.class,
                            e -> assertThat(TlsProblem.of(e)).as(describe(e)).contains(TlsProblem.HOST_NAME_MISMATCH));
            engines.get(EngineKind.MYSQL).probe(caOnly);
        } finally {
            Files.writeString(key, originalKey);
            Files.writeString(certificate, originalCertificate);
            flushMariaDbTls(caOnly);
        }
        engines.get(EngineKind.MYSQL).probe(my.endpoint());
    }

    private static void flushMariaDbTls(DatabaseConnection admin) throws Exception {
        try (Connection c = mysql.open(admin, null, MySqlConnector.Role.SOURCE)) {
            c.createStatement().execute("FLUSH SSL");
        }
    }

    @Test
    void requireAgainstAServerWithoutTlsFailsClearlyAndNeverFallsBack() {
        for (Instance instance : List.of(pgPlain, myPlain)) {
            DatabaseConnection required = instance.endpoint().withTls(TlsMode.REQUIRE, null);
            DatabaseConnection preferred = instance.endpoint().withTls(TlsMode.PREFER, null);
            var engine = engines.get(required.engine());
            assertRefusedForLackOfTls(engine, required);
            // prefer goes on without TLS, for its own connection only...
            engine.probe(preferred);
            // ...and a later connection that requires TLS still gets none of that fallback.
            assertRefusedForLackOfTls(engine, required);
        }
    }

    private static void assertRefusedForLackOfTls(dev.ferry.core.spi.engine.Engine engine, DatabaseConnection required) {
        assertThatThrownBy(() -> engine.probe(required))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(TlsProblem.of(e)).contains(TlsProblem.SERVER_WITHOUT_TLS);
                })
                .hasMessageContaining("does not offer TLS");
    }

    @Test
    void aClientCertificateLogsInToPostgresql() throws Exception {
        try (Connection admin = PgConnector.open(pg.endpoint())) {
            admin.createStatement().execute("CREATE ROLE cert_user LOGIN");
        }
        Path hba = pg.dataDirectory().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        try {
            Files.writeString(hba, "hostssl all cert_user 127.0.0.1/32 cert\n" + original, StandardCharsets.UTF_8);
            reloadPostgres();
            IssuedCertificate client = secured.certificateAuthority().issue("cert_user", InstanceCa.Purpose.CLIENT, List.of());
            var asCertUser = new DatabaseConnection(EngineKind.POSTGRESQL, "127.0.0.1", pg.endpoint().port(), "cert_user",
                    null, "postgres", TlsMode.VERIFY_FULL,
                    new TlsOptions(pg.endpoint().tls().caCertificate(), client.certificate(), client.privateKey(), false));

            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                try (Connection c = PgConnector.open(asCertUser)) {
                    assertThat(single(c, "SELECT current_user")).isEqualTo("cert_user");
                }
            });
            assertThatThrownBy(() -> PgConnector.open(asCertUser.withTls(TlsMode.VERIFY_FULL, pg.endpoint().tls())).close())
                    .isInstanceOf(FerryException.class);
        } finally {
            Files.writeString(hba, original, StandardCharsets.UTF_8);
            reloadPostgres();
        }
    }

    @Test
    void aClientCertificateLogsInToMariaDb() throws Exception {
        try (Connection admin = mysql.open(my.endpoint(), null, MySqlConnector.Role.SOURCE)) {
            admin.createStatement().execute("CREATE USER 'cert_user'@'127.0.0.1' REQUIRE SUBJECT '/CN=cert_user'");
        }
        IssuedCertificate client = secured.certificateAuthority().issue("cert_user", InstanceCa.Purpose.CLIENT, List.of());
        var asCertUser = new DatabaseConnection(EngineKind.MYSQL, "127.0.0.1", my.endpoint().port(), "cert_user",
                null, null, TlsMode.VERIFY_FULL,
                new TlsOptions(my.endpoint().tls().caCertificate(), client.certificate(), client.privateKey(), false));

        try (Connection c = mysql.open(asCertUser, null, MySqlConnector.Role.SOURCE)) {
            assertThat(single(c, "SELECT CURRENT_USER()")).isEqualTo("cert_user@127.0.0.1");
        }
        assertThatThrownBy(() -> mysql.open(asCertUser.withTls(TlsMode.VERIFY_FULL, my.endpoint().tls()), null,
                MySqlConnector.Role.SOURCE).close())
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    private static String describe(Throwable e) {
        var text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
        }
        return text.toString();
    }

    private static void reloadPostgres() throws Exception {
        try (Connection c = PgConnector.open(pg.endpoint().withTls(TlsMode.REQUIRE, null))) {
            c.createStatement().execute("SELECT pg_reload_conf()");
        }
    }

    private static String single(Connection c, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
