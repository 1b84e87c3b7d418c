package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.testkit.LocalPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class PostgresEngineIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final Engine engine = new PostgresEngineProvider().create();

    @Test
    void probeReportsTheVersionAndFlavor() {
        var info = engine.probe(pg.superuser());
        assertThat(info.engine()).isEqualTo(EngineKind.POSTGRESQL);
        assertThat(info.flavor()).isEqualTo("postgresql");
        assertThat(info.major()).isGreaterThanOrEqualTo(10);
        assertThat(info.version()).startsWith(info.major() + ".");
        assertThat(info.versionText()).startsWith("PostgreSQL ");
    }

    @Test
    void aWrongPasswordIsUnauthenticatedAndNeverShown() {
        String wrong = "Wr0ng-pass-" + System.nanoTime();
        assertThatThrownBy(() -> engine.probe(pg.superuser().withPassword(Secret.of(wrong))))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                    assertThat(e.getMessage()).contains("refused user postgres").doesNotContain(wrong);
                });
    }

    @Test
    void anUnreachablePortIsUnavailable() throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var nowhere = new dev.ferry.core.model.DatabaseConnection(EngineKind.POSTGRESQL, "127.0.0.1", port, "postgres",
                Secret.of("pw"), null, "disable");
        int closedPort = port;
        assertThatThrownBy(() -> engine.probe(nowhere))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).contains("connection refused");
                });
    }

    @Test
    void listDatabasesShowsUserDatabasesButNotTheMaintenanceDatabaseOrTemplates() {
        var a = pg.freshDatabase();
        var b = pg.freshDatabase();
        var names = engine.listDatabases(pg.superuser());
        assertThat(names).contains(a.name(), b.name()).doesNotContain("postgres", "template0", "template1");
        assertThat(names).isSorted();
    }

    @Test
    void aMissingDatabaseIsNotFound() {
        assertThatThrownBy(() -> engine.probe(pg.superuser().withDatabase("no_such_db_here")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void createDatabaseCopiesTheEncodingAndLocaleOnce() {
        String name = "latin_" + System.nanoTime();
        Sql.execute(pg.superuser(), "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'LATIN1' "
                + "LC_COLLATE 'C' LC_CTYPE 'C'");

        boolean created = engine.createDatabase(pg.superuser(), dest.superuser(), name);
        boolean again = engine.createDatabase(pg.superuser(), dest.superuser(), name);

        assertThat(created).isTrue();
        assertThat(again).isFalse();
        assertThat(Sql.query(dest.superuser(), "SELECT pg_encoding_to_char(encoding), datcollate, datctype "
                + "FROM pg_database WHERE datname = '" + name + "'"))
                .containsExactly(java.util.List.of("LATIN1", "C", "C"));
    }

    @Test
    void userObjectsIsEmptyForAMissingOrEmptyDatabase() {
        var empty = pg.freshDatabase();
        assertThat(engine.userObjects(pg.superuser(), empty.name())).isEmpty();
        assertThat(engine.userObjects(pg.superuser(), "missing_" + System.nanoTime())).isEmpty();
    }

    @Test
    void userObjectsNamesWhatAUserCreated() {
        var db = pg.freshDatabase();
        db.execute("CREATE SCHEMA \"Odd Schema\"", "CREATE TABLE \"Odd Schema\".t (id serial PRIMARY KEY)",
                "CREATE VIEW v AS SELECT 1 AS x", "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'",
                "CREATE TYPE color AS ENUM ('red')");
        assertThat(engine.userObjects(pg.superuser(), db.name())).containsExactlyInAnyOrder(
                "schema Odd Schema", "table Odd Schema.t", "sequence Odd Schema.t_id_seq", "view public.v",
                "function public.f(a integer)", "type public.color");
    }

    @Test
    void clearDatabaseLeavesAnEmptyDatabaseWithAUsablePublicSchema() {
        var db = pg.freshDatabase();
        db.execute(Sql.resource("rich-source.sql"));
        assertThat(engine.userObjects(pg.superuser(), db.name())).isNotEmpty();

        engine.clearDatabase(pg.superuser(), db.name());

        assertThat(engine.userObjects(pg.superuser(), db.name())).isEmpty();
        db.execute("CREATE TABLE public.after_clear (id int)");
        assertThat(db.queryLong("SELECT count(*) FROM public.after_clear")).isZero();
    }
}
