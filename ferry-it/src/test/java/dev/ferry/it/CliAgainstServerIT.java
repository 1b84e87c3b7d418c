package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.FerryCommand;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The user's path: a running server, driven only through the CLI, for both kinds of destination. */
@Timeout(300)
class CliAgainstServerIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @TempDir
    static Path dir;

    private static Wiring wiring;
    private static ApiServer server;

    record Result(int exit, String out, String err) {}

    @BeforeAll
    static void startServer() {
        wiring = Wiring.open(dir.resolve("home"));
        AdminTokenFile.write(AdminTokenFile.in(wiring.home()), wiring.control().tokens().bootstrapAdmin().orElseThrow().secret());
        server = new ApiServer(ServerConfig.local(0), wiring.control());
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        wiring.close();
    }

    private static Result ferry(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server");
        all.add(server.uri().toString());
        all.add("--home");
        all.add(wiring.home().toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new FerryCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private static Path passwordFile(DatabaseConnection connection, String name) throws IOException {
        return Files.writeString(dir.resolve(name), connection.password().reveal() + "\n");
    }

    private static void createProfile(String name, DatabaseConnection c, String database) throws IOException {
        List<String> args = new ArrayList<>(List.of("connection-profiles", "create", name, "--engine", "postgresql",
                "--host", c.host(), "--port", String.valueOf(c.port()), "--username", c.username(),
                "--password-file", passwordFile(c, name + ".pw").toString()));
        if (database != null) {
            args.add("--database");
            args.add(database);
        }
        var created = ferry(args.toArray(String[]::new));
        assertThat(created.exit()).as(created.err()).isZero();
    }

    private static void runJobAndCheck(String job, String source, String target, TestDatabase shop,
            DatabaseConnection destinationServer) throws Exception {
        var create = ferry("migration-jobs", "create", job, "--type", "one-time", "--source", source,
                "--destination", target);
        assertThat(create.exit()).as(create.err()).isZero();

        var start = ferry("migration-jobs", "start", job, "--wait");

        assertThat(start.exit()).as(start.out() + start.err()).isZero();
        var describe = ferry("migration-jobs", "describe", job, "--format", "json");
        assertThat(describe.out()).contains("\"state\" : \"COMPLETED\"");
        for (String table : Sql.pgTables(shop.connection(), shop.name())) {
            assertThat(Sql.pgTableHash(destinationServer, shop.name(), table)).as(table)
                    .isEqualTo(Sql.pgTableHash(shop.connection(), shop.name(), table));
        }
    }

    @Test
    void aJobCreatedWithTheCliCompletesIntoAnExistingEmptyDestination() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        OneTimePostgresMigrationIT.fillShop(shop);
        createProfile("cli-src-a", shop.connection(), shop.name());
        createProfile("cli-dst-a", destination.superuser(), null);

        runJobAndCheck("cli-existing", "cli-src-a", "cli-dst-a", shop, destination.superuser());

        var objects = ferry("migration-jobs", "describe", "cli-existing");
        assertThat(objects.out()).contains("COPIED").contains("sales.customer");
    }

    @Test
    void aJobCreatedWithTheCliCompletesIntoANewManagedInstance() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        OneTimePostgresMigrationIT.fillShop(shop);
        createProfile("cli-src-b", shop.connection(), shop.name());
        var managed = ferry("connection-profiles", "create", "cli-managed", "--managed", "--engine", "postgresql",
                "--version", "15");
        assertThat(managed.exit()).as(managed.err()).isZero();
        DatabaseConnection instance = wiring.control().profiles().get("cli-managed").connection();

        runJobAndCheck("cli-managed-job", "cli-src-b", "cli-managed", shop, instance);

        var deleted = ferry("migration-jobs", "delete", "cli-managed-job", "--force");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(ferry("connection-profiles", "describe", "cli-managed").exit()).isEqualTo(2);
    }

    @Test
    void usageAndInputErrorsExitWithTwoAndFailedOperationsWithOne() {
        assertThat(ferry("migration-jobs", "describe", "no-such-job").exit()).isEqualTo(2);
        assertThat(ferry("connection-profiles", "create", "x", "--engine", "oracle", "--host", "h", "--port", "1",
                "--username", "u").exit()).isEqualTo(2);
        var unreachable = ferry("connection-profiles", "create", "unreachable", "--engine", "postgresql", "--host",
                "127.0.0.1", "--port", "1", "--username", "u");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("Cannot reach");
        assertThat(ferry("connection-profiles", "list").out()).doesNotContain("unreachable");
    }
}
