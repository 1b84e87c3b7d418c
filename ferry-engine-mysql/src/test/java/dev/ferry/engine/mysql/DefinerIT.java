package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.engine.mysql.MySqlEngineIT.Servers;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class DefinerIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private final Engine engine = new MySqlEngine(Clock.systemUTC());

    // Triggers and functions would also need SUPER or log_bin_trust_function_creators on a destination with a binlog.
    @Test
    void objectsWhoseDefinerTheDestinationRefusesAreCreatedWithoutIt() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(10))",
                "CREATE DEFINER = 'ghost'@'%' VIEW v AS SELECT id FROM t",
                "CREATE DEFINER = 'ghost'@'%' PROCEDURE p() SELECT 1",
                "CREATE DEFINER = 'ghost'@'%' EVENT e ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t WHERE id < 0");
        String loader = "loader_" + db.name();
        DatabaseConnection root = destination.superuser();
        engine.createDatabase(db.connection(), root, db.name());
        Servers.execute(root, null, "CREATE USER '" + loader + "'@'%' IDENTIFIED BY 'pw'",
                "GRANT ALL ON `" + db.name() + "`.* TO '" + loader + "'@'%'");
        DatabaseConnection dest = new DatabaseConnection(root.engine(), root.host(), root.port(), loader, Secret.of("pw"), null, null);

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(1))) {
            CopyFlow.prepare(engine, db.connection(), dest, db.name(), snapshot);
            CopyFlow.copyAll(snapshot, dest);
        }

        assertThat(Servers.query(root, null, "SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + db.name() + "'"))
                .containsExactly(List.of(loader + "@%"));
        assertThat(Servers.query(root, null, "SELECT DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + db.name() + "'"))
                .containsExactly(List.of(loader + "@%"));
        assertThat(Servers.query(root, null, "SELECT DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '" + db.name() + "'"))
                .containsExactly(List.of(loader + "@%"));
    }

    @Test
    void aMissingDefinerIsKeptWhenTheDestinationAcceptsIt() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)", "CREATE DEFINER = 'ghost'@'%' VIEW v AS SELECT id FROM t");

        CopyFlow.migrate(engine, db.connection(), destination.superuser(), db.name(), 1);

        assertThat(Servers.query(destination.superuser(), null,
                "SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + db.name() + "'"))
                .containsExactly(List.of("ghost@%"));
    }
}
