package dev.ferry.cli.apply;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cli.FerryCommand;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Phase;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.testkit.LocalPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ferry apply and ferry export against a real server, each test on a server of its own (prune sees everything). */
@Timeout(300)
class ApplyCommandIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @TempDir
    Path dir;

    private Wiring wiring;
    private ApiServer server;

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void startServer() throws IOException {
        wiring = Wiring.open(dir.resolve("home"));
        AdminTokenFile.write(AdminTokenFile.in(wiring.home()), wiring.control().tokens().bootstrapAdmin().orElseThrow().secret());
        server = new ApiServer(ServerConfig.local(0), wiring.control());
        server.start();
        Files.writeString(dir.resolve("postgres.pw"), password() + "\n");
    }

    @AfterEach
    void stopServer() {
        server.close();
        wiring.close();
    }

    @Test
    void applyingTheExportOfAnAppliedFilePlansNoChange() throws Exception {
        var shop = pg.freshDatabase();
        shop.execute("CREATE TABLE item (id int PRIMARY KEY, name text)", "INSERT INTO item VALUES (1, 'one'), (2, 'two')");
        Path file = write("ferry.yaml", """
                connectionProfiles:
                  - name: shop
                    displayName: Shop source
                    labels: {team: shop}
                %s
                  - name: shop-copy
                    managedInstance:
                      engine: postgresql
                      version: "15"
                migrationJobs:
                  - name: shop-move
                    type: ONE_TIME
                    source: shop
                    destination: shop-copy
                    performanceConfig: {parallelism: 2}
                    reliabilityConfig: {faultBudget: 30m}
                    desiredState: running
                """.formatted(server(shop.name())));

        Result applied = ferry("apply", "-f", file.toString());

        assertThat(applied.exit()).as(applied.out() + applied.err()).isZero();
        assertThat(applied.out()).contains("+ connection profile shop: create", "+ connection profile shop-copy: create",
                "+ migration job shop-move: create, then start", "Created connection profile shop-copy",
                "Created migration job shop-move: start requested");
        await().atMost(ofSeconds(120)).until(() -> job("shop-move").state() == JobState.COMPLETED);

        Result again = ferry("apply", "-f", file.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("No changes").doesNotContain("+ ").doesNotContain("~ ");

        Result exported = ferry("export");
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.out()).contains("passwordEnv: FERRY_PASSWORD_SHOP", "$FERRY_PASSWORD_SHOP", "managedInstance:",
                "faultBudget: 30m").doesNotContain(password());
        Path export = write("export.yaml", exported.out());

        Result fromExport = ferryProcess(Map.of("FERRY_PASSWORD_SHOP", password()), "apply", "-f", export.toString());

        assertThat(fromExport.exit()).as(fromExport.out() + fromExport.err()).isZero();
        assertThat(fromExport.out()).contains("= connection profile shop: unchanged",
                "= connection profile shop-copy: unchanged", "= migration job shop-move: unchanged", "No changes");

        Result newer = ferry("apply", "--dry-run", "-f",
                write("newer.yaml", Files.readString(file).replace("version: \"15\"", "version: \"16\"")).toString());
        assertThat(newer.exit()).isEqualTo(1);
        assertThat(newer.out()).contains("! connection profile shop-copy: refused: Connection profile shop-copy is a "
                + "managed instance; its managedInstance.version cannot change", "managedInstance.version: 15 → 16");

        Result emptied = ferry("apply", "--prune", "-f", write("none.yaml", "connectionProfiles: []\n").toString());
        assertThat(emptied.exit()).as(emptied.out() + emptied.err()).isZero();
        assertThat(emptied.out()).contains("Deleted migration job shop-move", "Deleted connection profile shop-copy");
        assertThat(wiring.control().profiles().list()).isEmpty();
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws IOException {
        apply("""
                connectionProfiles:
                  - name: a
                %s
                """.formatted(server(null)));

        Result dryRun = ferry("apply", "--dry-run", "-f", write("changed.yaml", """
                connectionProfiles:
                  - name: a
                    displayName: Renamed
                %s
                  - name: b
                %s
                migrationJobs:
                  - {name: j, type: ONE_TIME, source: a, destination: b, objectsConfig: {include: [nothing-here]}}
                """.formatted(server(null), server(null))).toString());

        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("~ connection profile a: update", "displayName: (none) → Renamed",
                "+ connection profile b: create", "+ migration job j: create", "Plan: 2 to create, 1 to update.",
                "Dry run: nothing was changed.");
        assertThat(profile("a").displayName()).isNull();
        assertThat(wiring.control().profiles().list()).extracting(ConnectionProfile::name).containsExactly("a");
        assertThat(wiring.control().jobs().list()).isEmpty();
    }

    @Test
    void aFieldThatCannotChangeIsRefusedWithItsReasonAndTheRestIsApplied() throws IOException {
        String profiles = """
                connectionProfiles:
                  - name: a
                    displayName: %s
                %s
                  - name: b
                %s
                """;
        apply(profiles.formatted("First", server(null), server(null)) + """
                migrationJobs:
                  - {name: j, type: ONE_TIME, source: a, destination: b, performanceConfig: {parallelism: 2}}
                """);

        Result refused = ferry("apply", "-f", write("refused.yaml", profiles.formatted("Second", server(null), server(null)) + """
                migrationJobs:
                  - {name: j, type: CONTINUOUS, source: a, destination: b, performanceConfig: {parallelism: 4}}
                """).toString());

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("! migration job j: refused: Migration job j: type cannot change after the job "
                + "is created", "type: ONE_TIME → CONTINUOUS", "Updated connection profile a");
        assertThat(refused.err()).contains("1 change(s) refused; nothing was changed for that resource");
        assertThat(job("j").performanceConfig().parallelism()).isEqualTo(2);
        assertThat(profile("a").displayName()).isEqualTo("Second");
    }

    @Test
    void aDefinitionChangeWhileTheJobRunsIsRefusedAndDesiredStateStopsIt() throws IOException {
        var shop = pg.freshDatabase();
        shop.execute("CREATE TABLE item (id int PRIMARY KEY, name text)", "INSERT INTO item VALUES (1, 'one')");
        Files.writeString(dir.resolve("destination.pw"), destination.superuser().password().reveal() + "\n");
        String profiles = """
                connectionProfiles:
                  - name: live-src
                %s
                  - name: live-dst
                %s
                """.formatted(server(shop.name()), server(null).replace(String.valueOf(pg.superuser().port()),
                String.valueOf(destination.superuser().port())).replace("postgres.pw", "destination.pw"));
        String job = """
                migrationJobs:
                  - {name: live, type: CONTINUOUS, source: live-src, destination: live-dst,
                     performanceConfig: {parallelism: %d}, desiredState: %s}
                """;
        apply(profiles + job.formatted(2, "running"));
        await().atMost(ofSeconds(120)).until(() -> job("live").phase() == Phase.CDC
                || job("live").phase() == Phase.READY_FOR_PROMOTE);

        Result refused = ferry("apply", "--dry-run", "-f", write("faster.yaml", profiles + job.formatted(4, "running")).toString());
        Result stopped = ferry("apply", "-f", write("stopped.yaml", profiles + job.formatted(2, "stopped")).toString());

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("! migration job live: refused: Migration job live is RUNNING; its "
                + "performanceConfig.parallelism can change only while it is not running", "parallelism: 2 → 4");
        assertThat(stopped.exit()).as(stopped.out() + stopped.err()).isZero();
        assertThat(stopped.out()).contains("~ migration job live: stop", "Updated migration job live: stop requested");
        await().atMost(ofSeconds(60)).until(() -> job("live").state() == JobState.STOPPED);
        assertThat(job("live").performanceConfig().parallelism()).isEqualTo(2);

        Result emptied = ferry("apply", "--prune", "-f", write("none.yaml", "migrationJobs: []\n").toString());
        assertThat(emptied.out()).as(emptied.err()).contains("Deleted migration job live");
    }

    @Test
    void pruneDeletesWhatTheFileNoLongerDeclaresAndOnlyWithPrune() throws IOException {
        apply("""
                connectionProfiles:
                  - name: a
                %s
                  - name: b
                %s
                migrationJobs:
                  - {name: j, type: ONE_TIME, source: a, destination: b}
                """.formatted(server(null), server(null)));
        Path fewer = write("fewer.yaml", """
                connectionProfiles:
                  - name: a
                %s
                """.formatted(server(null)));

        Result withoutPrune = ferry("apply", "-f", fewer.toString());
        Result planned = ferry("apply", "--prune", "--dry-run", "-f", fewer.toString());

        assertThat(withoutPrune.out()).contains("No changes").doesNotContain("delete");
        assertThat(planned.out()).contains("- migration job j: delete", "- connection profile b: delete", "Plan: 2 to delete, 1 unchanged.");
        assertThat(wiring.control().jobs().list()).hasSize(1);

        Result pruned = ferry("apply", "--prune", "-f", fewer.toString());

        assertThat(pruned.exit()).as(pruned.err()).isZero();
        assertThat(pruned.out()).contains("Deleted migration job j", "Deleted connection profile b");
        assertThat(wiring.control().jobs().list()).isEmpty();
        assertThat(wiring.control().profiles().list()).extracting(ConnectionProfile::name).containsExactly("a");
    }

    @Test
    void aLiteralPasswordIsRefusedWithItsLineAndNothingIsCreated() throws IOException {
        Result result = ferry("apply", "-f", write("literal.yaml", """
                connectionProfiles:
                  - name: a
                    postgresql:
                      host: 127.0.0.1
                      username: postgres
                      password: %s
                """.formatted(password())).toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("literal.yaml line 6", "passwordEnv: VARIABLE or passwordFile: PATH")
                .doesNotContain(password());
        assertThat(wiring.control().profiles().list()).isEmpty();
    }

    @Test
    void anEmptyPasswordVariableIsRefusedAndASetOneIsUsed() throws Exception {
        DatabaseConnection c = pg.superuser();
        Path file = write("env.yaml", """
                connectionProfiles:
                  - name: a
                    postgresql: {host: %s, port: %d, username: %s, passwordEnv: A_PASSWORD}
                """.formatted(c.host(), c.port(), c.username()));

        Result empty = ferryProcess(Map.of("A_PASSWORD", ""), "apply", "-f", file.toString());
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("A_PASSWORD, which is set but empty");
        assertThat(wiring.control().profiles().list()).isEmpty();

        Result set = ferryProcess(Map.of("A_PASSWORD", password()), "apply", "-f", file.toString());
        assertThat(set.exit()).as(set.out() + set.err()).isZero();
        assertThat(profile("a").connection().password().reveal()).isEqualTo(password());
    }

    @Test
    void aChangedPasswordShowsAsChangedWithoutEitherValue() throws IOException {
        apply("""
                connectionProfiles:
                  - name: a
                %s
                """.formatted(server(null)));
        Files.writeString(dir.resolve("other.pw"), "another-secret-x41\n");

        Result plan = ferry("apply", "--dry-run", "-f", write("other.yaml", """
                connectionProfiles:
                  - name: a
                %s
                """.formatted(server(null).replace("postgres.pw", "other.pw"))).toString());

        assertThat(plan.out()).contains("postgresql.password: set → changed").doesNotContain("another-secret-x41")
                .doesNotContain(password());
    }

    @Test
    void malformedYamlIsAnInputErrorNamingTheLine() throws IOException {
        Result result = ferry("apply", "-f", write("broken.yaml", """
                connectionProfiles:
                  - name: a
                    postgresql: {host: h
                  - name: b
                """).toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("broken.yaml line 4").contains("not valid YAML");
    }

    private void apply(String yaml) throws IOException {
        Result result = ferry("apply", "-f", write("base-" + System.nanoTime() + ".yaml", yaml).toString());
        assertThat(result.exit()).as(result.out() + result.err()).isZero();
    }

    /** The {@code postgresql:} block of a profile on the test server, indented for a profile entry. */
    private static String server(String database) {
        DatabaseConnection c = pg.superuser();
        return "    postgresql:\n      host: %s\n      port: %d\n      username: %s\n      passwordFile: postgres.pw%s".formatted(
                c.host(), c.port(), c.username(), database == null ? "" : "\n      database: " + database);
    }

    private static String password() {
        return pg.superuser().password().reveal();
    }

    private ConnectionProfile profile(String name) {
        return wiring.control().profiles().get(name);
    }

    private MigrationJob job(String name) {
        return wiring.control().jobs().get(name);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private List<String> withServer(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.uri().toString(), "--home", wiring.home().toString()));
        return all;
    }

    private Result ferry(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = FerryCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(withServer(args).toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    /** The CLI as a process of its own, for environment variables this process cannot set. */
    private Result ferryProcess(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), "dev.ferry.cli.Main"));
        command.addAll(withServer(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out, err);
    }
}
