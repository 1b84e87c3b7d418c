package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code ferry server} process, killed with SIGKILL while it copies, started again on the same
 * home: the job resumes by itself, keeps what was copied, and ends identical to the source.
 */
class KillDuringFullLoadIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres pgDestination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final LocalMariaDb maria = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb mariaDestination = LocalMariaDb.shared("destination");

    @TempDir
    Path home;

    private Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private ApiClient startServer(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.ferry.cli.Main",
                "server", "--home", home.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(home.resolve("server-" + System.nanoTime() + ".out").toFile())
                .start();
        ApiClient open = ApiClient.of("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> open.get("/healthz").path("status")
                .asText().equals("ok"));
        // The first start wrote the admin token; a restart keeps it.
        String token = AdminTokenFile.read(AdminTokenFile.in(home)).orElseThrow();
        return ApiClient.of("http://127.0.0.1:" + port, token, null);
    }

    private void killAndResume(ApiClient first, String job, int port) throws Exception {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", "ONE_TIME").put("source", "src").put("destination", "dst");
        body.putObject("performanceConfig").put("parallelism", 2);
        first.post("/v1/migrationJobs?migrationJobId=" + job, body);
        first.post("/v1/migrationJobs/" + job + ":start", JsonNodeFactory.instance.objectNode());
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            JsonNode objects = first.get("/v1/migrationJobs/" + job + "/objects").path("objects");
            int copied = 0;
            boolean copying = false;
            for (JsonNode o : objects) {
                copied += o.path("state").asText().equals("COPIED") ? 1 : 0;
                copying |= o.path("state").asText().equals("COPYING") && o.path("rowsCopied").asLong() > 0;
            }
            return copied >= 1 && copying;
        });

        server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        ApiClient second = startServer(port);

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String state = second.get("/v1/migrationJobs/" + job).path("state").asText();
            assertThat(state).isNotEqualTo("FAILED");
            return state.equals("COMPLETED");
        });
        JsonNode events = second.get("/v1/migrationJobs/" + job + "/events?limit=200").path("events");
        assertThat(events.toString()).contains("resuming")
                .as("tables copied before the kill are kept").containsPattern("\\(([1-9][0-9]*) already copied\\)");
    }

    private static void bigTables(TestDatabase db, String rows) {
        db.execute("CREATE TABLE small (id INT PRIMARY KEY, v VARCHAR(20))",
                "CREATE TABLE big (id BIGINT PRIMARY KEY, payload VARCHAR(200), n DECIMAL(12,3))",
                "CREATE TABLE big_no_key (payload VARCHAR(200), n INT)");
        db.execute(rows);
    }

    @Test
    @Timeout(420)
    void aPostgresLoadKilledWithSigkillResumesAndEndsIdentical() throws Exception {
        TestDatabase db = pg.freshDatabase();
        bigTables(db, "INSERT INTO small SELECT g, 'v' || g FROM generate_series(1, 10) g");
        db.execute("INSERT INTO big SELECT g, repeat(md5(g::text), 5), g / 3.0 FROM generate_series(1, 1200000) g",
                "INSERT INTO big_no_key SELECT repeat(md5(g::text), 5), g FROM generate_series(1, 800000) g");
        int port = FerryNodes.freePort();
        ApiClient client = startServer(port);
        FerryNodes.profile(client, "src", db.connection(), db.name());
        FerryNodes.profile(client, "dst", pgDestination.superuser(), null);

        killAndResume(client, "killed-pg", port);

        for (String table : List.of("public.small", "public.big", "public.big_no_key")) {
            assertThat(Sql.pgTableHash(pgDestination.superuser(), db.name(), table)).as(table)
                    .isEqualTo(Sql.pgTableHash(db.connection(), db.name(), table));
        }
    }

    @Test
    @Timeout(420)
    void aMariaDbLoadKilledWithSigkillResumesAndEndsIdentical() throws Exception {
        TestDatabase db = maria.freshDatabase();
        bigTables(db, "INSERT INTO small SELECT seq, concat('v', seq) FROM seq_1_to_10");
        db.execute("INSERT INTO big SELECT seq, repeat(md5(seq), 5), seq / 3 FROM seq_1_to_1000000",
                "INSERT INTO big_no_key SELECT repeat(md5(seq), 5), seq FROM seq_1_to_600000");
        int port = FerryNodes.freePort();
        ApiClient client = startServer(port);
        FerryNodes.profile(client, "src", db.connection(), db.name());
        FerryNodes.profile(client, "dst", mariaDestination.superuser(), null);

        killAndResume(client, "killed-maria", port);

        for (String table : List.of("small", "big", "big_no_key")) {
            try (var sc = Sql.connect(db.connection(), db.name());
                    var dc = Sql.connect(mariaDestination.superuser(), db.name());
                    var s = sc.createStatement();
                    var d = dc.createStatement();
                    var rs = s.executeQuery("CHECKSUM TABLE `" + table + "` EXTENDED");
                    var rd = d.executeQuery("CHECKSUM TABLE `" + table + "` EXTENDED")) {
                rs.next();
                rd.next();
                assertThat(rd.getString(2)).as(table).isEqualTo(rs.getString(2));
            }
        }
    }
}
