package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Secure by default: pg_dump and psql see none of Ferry's environment, and their password and certificates only in files. */
@Timeout(120)
class ToolEnvironmentIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @Test
    void pgDumpSeesOnlyAMinimalEnvironmentAndNoSecret() throws Exception {
        assertThat(System.getenv("FERRY_PLANTED_TOKEN")).as("failsafe plants a secret in this JVM").isNotNull();
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY)");
        TestDatabase destination = pg.freshDatabase();
        DatabaseConnection from = source.connection();
        assertThat(from.tls().caCertificate()).as("the test server's endpoint carries its CA").isNotNull();

        try (Connection snapshot = open(from); Connection locker = open(from)) {
            snapshot.setAutoCommit(false);
            snapshot.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            var rs = snapshot.createStatement().executeQuery("SELECT pg_export_snapshot()");
            rs.next();
            String snapshotId = rs.getString(1);
            // pg_dump waits for its share lock on t while this transaction holds t exclusively.
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");

            var copier = new SchemaCopier(PgTools.locate());
            var copy = CompletableFuture.runAsync(() -> copier.copy(new DumpOptions(DumpSection.PRE_DATA, snapshotId,
                    List.of(), List.of(), false, false), from, destination.connection()));
            ProcessHandle pgDump = await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false)).findFirst().orElse(null),
                    p -> p != null);

            Map<String, String> env = environ(pgDump.pid());
            locker.rollback();
            copy.get();

            assertThat(env.keySet()).allMatch(key -> List.of("PATH", "LANG", "TZ", "HOME").contains(key)
                    || key.startsWith("LC_") || key.startsWith("PG"));
            assertThat(env).containsEntry("PGSSLMODE", "verify-full").containsKey("PGSSLROOTCERT").containsKey("PGPASSFILE")
                    .doesNotContainKey("PGPASSWORD");
            assertThat(String.join("\n", env.values())).doesNotContain("ferry_planted_token_value")
                    .doesNotContain("planted-password-value").doesNotContain(from.password().reveal());
            Path files = Path.of(env.get("PGPASSFILE")).getParent();
            assertThat(files).as("the private files are removed after the call").doesNotExist();
        }
    }

    private static Connection open(DatabaseConnection c) throws java.sql.SQLException {
        Properties props = new Properties();
        props.setProperty("user", c.username());
        props.setProperty("password", c.password().reveal());
        return DriverManager.getConnection("jdbc:postgresql://%s:%d/%s".formatted(c.host(), c.port(), c.database()), props);
    }

    private static Map<String, String> environ(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        var env = new TreeMap<String, String>();
        for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }
}
