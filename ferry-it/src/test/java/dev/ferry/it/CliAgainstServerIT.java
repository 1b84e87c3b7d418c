package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.it.CliServer.Result;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The user's path: a running server, driven only through the CLI, for both kinds of destination. */
@Timeout(300)
class CliAgainstServerIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final CliServer cli = new CliServer();

    @TempDir
    static Path dir;


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
        var created = cli.ferry(args.toArray(String[]::new));
        assertThat(created.exit()).as(created.err()).isZero();
    }

    private static void runJobAndCheck(String job, String source, String target, TestDatabase shop,
            DatabaseConnection destinationServer) throws Exception {
        var create = cli.ferry("migration-jobs", "create", job, "--type", "one-time", "--source", source,
                "--destination", target);
        assertThat(create.exit()).as(create.err()).isZero();

        var start = cli.ferry("migration-jobs", "start", job, "--wait");

        assertThat(start.exit()).as(start.out() + start.err()).isZero();
        var describe = cli.ferry("migration-jobs", "describe", job, "--format", "json");
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

        var objects = cli.ferry("migration-jobs", "describe", "cli-existing");
        assertThat(objects.out()).contains("COPIED").contains("sales.customer");
    }

    @Test
    void aJobCreatedWithTheCliCompletesIntoANewManagedInstance() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        OneTimePostgresMigrationIT.fillShop(shop);
        createProfile("cli-src-b", shop.connection(), shop.name());
        var managed = cli.ferry("connection-profiles", "create", "cli-managed", "--managed", "--engine", "postgresql",
                "--version", "15");
        assertThat(managed.exit()).as(managed.err()).isZero();
        DatabaseConnection instance = cli.wiring().control().profiles().get("cli-managed").connection();

        runJobAndCheck("cli-managed-job", "cli-src-b", "cli-managed", shop, instance);

        var deleted = cli.ferry("migration-jobs", "delete", "cli-managed-job", "--force");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(cli.ferry("connection-profiles", "describe", "cli-managed").exit()).isEqualTo(2);
    }

    @Test
    void usageAndInputErrorsExitWithTwoAndFailedOperationsWithOne() {
        assertThat(cli.ferry("migration-jobs", "describe", "no-such-job").exit()).isEqualTo(2);
        assertThat(cli.ferry("connection-profiles", "create", "x", "--engine", "oracle", "--host", "h", "--port", "1",
                "--username", "u").exit()).isEqualTo(2);
        var unreachable = cli.ferry("connection-profiles", "create", "unreachable", "--engine", "postgresql", "--host",
                "127.0.0.1", "--port", "1", "--username", "u");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("Cannot reach");
        assertThat(cli.ferry("connection-profiles", "list").out()).doesNotContain("unreachable");
    }
}
