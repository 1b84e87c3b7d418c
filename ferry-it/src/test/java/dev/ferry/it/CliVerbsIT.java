package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.Phase;
import dev.ferry.it.CliServer.Result;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs a user reaches through the CLI and the REST API against a running server: the superuser password of a
 * managed instance, its ready connection string, restart of the failed objects only and the demotion of an existing
 * destination.
 */
@Timeout(300)
class CliVerbsIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final CliServer cli = new CliServer();

    @TempDir
    static Path dir;


    private static Result ok(String... args) {
        Result result = cli.ferry(args);
        assertThat(result.exit()).as(String.join(" ", args) + ": " + result.out() + result.err()).isZero();
        return result;
    }

    private static Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content + "\n");
    }

    private static void existingProfile(String name, DatabaseConnection c) throws IOException {
        ok("connection-profiles", "create", name, "--engine", "postgresql", "--host", c.host(), "--port",
                String.valueOf(c.port()), "--username", c.username(), "--password-file",
                file(name + ".pw", c.password().reveal()).toString());
    }

    @Test
    void anAdminSetsTheSuperuserPasswordOfAManagedInstanceAndConnectsWithIt() throws Exception {
        ok("connection-profiles", "create", "mi-pg", "--managed", "--engine", "postgresql", "--version", "15");
        DatabaseConnection before = cli.wiring().control().profiles().get("mi-pg").connection();
        existingProfile("mi-src", pg.superuser());
        ok("migration-jobs", "create", "into-mi", "--type", "one-time", "--source", "mi-src", "--destination", "mi-pg");
        String url = "postgresql://postgres@%s:%d/postgres".formatted(before.host(), before.port());

        Result described = ok("connection-profiles", "describe", "mi-pg");
        String password = "chosen-by-the-user-7f3e";
        Result set = ok("connection-profiles", "set-root-password", "mi-pg", "--password-file",
                file("new.pw", password).toString());

        assertThat(described.out()).contains(url).contains("ferry connection-profiles set-root-password mi-pg --password-env VAR");
        assertThat(set.out()).contains("Superuser password of managed instance mi-pg set").contains(url);
        DatabaseConnection chosen = before.withPassword(new dev.ferry.core.Secret(password));
        assertThat(Sql.one(chosen, "postgres", "SELECT current_user")).isEqualTo("postgres");
        assertThatThrownBy(() -> Sql.one(before, "postgres", "SELECT 1")).as("the old password").isInstanceOf(SQLException.class);
        // Ferry keeps working with the password it now stores
        DatabaseConnection stored = cli.wiring().control().profiles().get("mi-pg").connection();
        assertThat(stored.password().reveal()).isEqualTo(password);
        assertThat(cli.wiring().control().jobs().verify("into-mi")).noneMatch(f -> f.code().contains("CONNECT"));
        Result job = ok("migration-jobs", "describe", "into-mi");
        assertThat(job.out()).contains("Destination mi-pg is a managed instance; connect with: " + url)
                .contains("Superuser password of managed instance mi-pg set by " + cli.adminTokenName());
        Result json = ok("connection-profiles", "describe", "mi-pg", "--format", "json");
        Result events = ok("migration-jobs", "describe", "into-mi", "--format", "json");
        for (Result r : List.of(described, set, job, json, events)) {
            assertThat(r.out() + r.err()).doesNotContain(password).doesNotContain(before.password().reveal());
        }
        ok("migration-jobs", "delete", "into-mi");
        ok("connection-profiles", "delete", "mi-pg", "--force");
    }

    @Test
    void theRootOfAManagedMariaDbInstanceGetsTheNewPasswordOnEveryAccount() throws Exception {
        ok("connection-profiles", "create", "mi-maria", "--managed", "--engine", "mariadb");
        DatabaseConnection before = cli.wiring().control().profiles().get("mi-maria").connection();
        String password = "maria-chosen-2b9d";

        Result described = ok("connection-profiles", "describe", "mi-maria");
        ok("connection-profiles", "set-root-password", "mi-maria", "--password-file", file("maria.pw", password).toString());

        assertThat(described.out()).contains("mysql://root@%s:%d/".formatted(before.host(), before.port()));
        DatabaseConnection chosen = before.withPassword(new dev.ferry.core.Secret(password));
        assertThat(Sql.column(chosen, "", "SELECT DISTINCT plugin FROM mysql.user WHERE User = 'root'"))
                .containsExactly("mysql_native_password");
        assertThat(Sql.one(chosen, "", "SELECT count(*) FROM mysql.user WHERE User = 'root' AND authentication_string <> "
                + "PASSWORD('" + password + "')")).as("root accounts left with another password").isEqualTo("0");
        assertThatThrownBy(() -> Sql.one(before, "", "SELECT 1")).as("the old password").isInstanceOf(SQLException.class);
        assertThat(cli.wiring().control().profiles().get("mi-maria").connection().password().reveal()).isEqualTo(password);
        ok("connection-profiles", "delete", "mi-maria", "--force");
    }

    @Test
    void setRootPasswordThroughTheApiNeedsAnAdminAndAPassword() throws Exception {
        existingProfile("api-pw", destination.superuser());
        String viewer = cli.wiring().control().tokens().create("watcher", dev.ferry.core.model.Role.VIEWER, null, null).secret();
        String admin = Files.readString(AdminTokenFile.in(cli.wiring().home())).trim();

        var asViewer = post("/v1/connectionProfiles/api-pw:setRootPassword", viewer, "{\"password\": \"x-1\"}");
        var empty = post("/v1/connectionProfiles/api-pw:setRootPassword", admin, "{}");
        var unknown = post("/v1/connectionProfiles/no-such:setRootPassword", admin, "{\"password\": \"x-1\"}");
        var existing = post("/v1/connectionProfiles/api-pw:setRootPassword", admin, "{\"password\": \"x-1\"}");

        assertThat(asViewer.statusCode()).isEqualTo(403);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("The new superuser password is required");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(existing.statusCode()).isEqualTo(400);
        assertThat(existing.body()).contains("not a managed instance").doesNotContain("x-1");
    }

    private static java.net.http.HttpResponse<String> post(String path, String token, String body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(cli.uri().resolve(path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void setRootPasswordIsRefusedForAProfileOfAnExistingServer() throws Exception {
        existingProfile("plain-pg", destination.superuser());

        Result refused = cli.ferry("connection-profiles", "set-root-password", "plain-pg", "--password-file",
                file("other.pw", "whatever-1").toString());

        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("Connection profile plain-pg is an existing server, not a managed instance Ferry created");
        assertThat(Sql.one(destination.superuser(), "postgres", "SELECT 1")).as("password unchanged").isEqualTo("1");
    }

    @Test
    void restartWithFailedObjectsOnlyKeepsTheCopiedTables() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        existingProfile("rf-src", pg.superuser());
        existingProfile("rf-dst", destination.superuser());
        ok("migration-jobs", "create", "rf", "--type", "continuous", "--source", "rf-src", "--destination", "rf-dst",
                "--include", source.name());
        ok("migration-jobs", "start", "rf");
        await().atMost(Duration.ofSeconds(90)).until(() -> cli.wiring().control().jobs().get("rf").phase() == Phase.CDC);
        ok("migration-jobs", "stop", "rf");
        Sql.execute(destination.superuser(), source.name(), "SET default_transaction_read_only = off",
                "INSERT INTO t VALUES (1000, 'kept by a restart of the failed objects only')");

        Result restarted = ok("migration-jobs", "restart", "rf", "--failed-objects-only");

        assertThat(restarted.out()).contains("restart requested");
        await().atMost(Duration.ofSeconds(90)).until(() -> cli.wiring().control().jobs().events("rf", 50).stream()
                .anyMatch(e -> e.message().contains("Restarting the tables that were not copied; keeping the others")));
        await().atMost(Duration.ofSeconds(90)).until(() -> cli.wiring().control().jobs().get("rf").state() == JobState.RUNNING);
        assertThat(cli.wiring().control().jobs().events("rf", 50)).anyMatch(e -> e.message().contains("Job restart requested (failed objects only) by " + cli.adminTokenName()));
        assertThat(Sql.one(destination.superuser(), source.name(), "SELECT count(*) FROM t WHERE id = 1000")).isEqualTo("1");
        ok("migration-jobs", "delete", "rf");
    }

    @Test
    void promoteWaitEndsWithTheReasonWhenThePromotionIsRefused() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE orders (id int PRIMARY KEY, note text)", "INSERT INTO orders VALUES (1, 'n1')");
        existingProfile("pr-src", pg.superuser());
        existingProfile("pr-dst", destination.superuser());
        ok("migration-jobs", "create", "pr", "--type", "continuous", "--source", "pr-src", "--destination", "pr-dst",
                "--include", source.name());
        ok("migration-jobs", "start", "pr");
        await().atMost(Duration.ofSeconds(90)).until(() -> java.util.EnumSet.of(Phase.CDC, Phase.READY_FOR_PROMOTE)
                .contains(cli.wiring().control().jobs().get("pr").phase()));
        // A collation change travels in no change: the promotion cannot reconcile it and refuses.
        source.execute("ALTER TABLE orders ALTER COLUMN note TYPE text COLLATE \"C\"");

        Result refused = cli.ferry("migration-jobs", "promote", "pr", "--wait");

        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("FAILED_PRECONDITION", "column public.orders.note collation");
        assertThat(cli.wiring().control().jobs().get("pr").state()).as("the job replicates on").isEqualTo(JobState.RUNNING);
        ok("migration-jobs", "delete", "pr");
    }

    @Test
    void demoteDestinationMakesTheDestinationDatabasesReadOnlyBeforeTheJobStarts() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY)");
        Sql.execute(destination.superuser(), "postgres", "CREATE DATABASE " + source.name());
        existingProfile("dm-src", pg.superuser());
        existingProfile("dm-dst", destination.superuser());
        ok("migration-jobs", "create", "dm", "--type", "continuous", "--source", "dm-src", "--destination", "dm-dst",
                "--include", source.name());

        Result demoted = ok("migration-jobs", "demote-destination", "dm");

        assertThat(demoted.out()).contains("Migration job dm: destination demoted");
        assertThat(Sql.one(destination.superuser(), source.name(), "SELECT current_setting('default_transaction_read_only')"))
                .isEqualTo("on");
        ok("migration-jobs", "delete", "dm");
        assertThat(Sql.one(destination.superuser(), source.name(), "SELECT current_setting('default_transaction_read_only')"))
                .as("restored by delete").isEqualTo("off");
    }

    @Test
    void theRestApiAnswersTheNewVerbsWithOperations() throws Exception {
        existingProfile("api-src", pg.superuser());
        existingProfile("api-dst", destination.superuser());
        ok("migration-jobs", "create", "api-job", "--type", "one-time", "--source", "api-src", "--destination", "api-dst",
                "--include", "nothing_here");

        Result refused = cli.ferry("migration-jobs", "restart", "api-job", "--failed-objects-only");

        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("restart");
        JsonNode job = new ObjectMapper().readTree(ok("migration-jobs", "describe", "api-job", "--format", "json").out());
        assertThat(job.path("state").asText()).as("a refused restart changes nothing").isEqualTo("NOT_STARTED");
        ok("migration-jobs", "delete", "api-job");
    }
}
