package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ServerInfo;
import dev.ferry.engine.mysql.chunk.ChunkSizing;
import dev.ferry.engine.mysql.copy.LoadSession;
import dev.ferry.engine.mysql.copy.LoadTarget;
import dev.ferry.engine.mysql.snapshot.CopySettings;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(180)
class MySqlEngineIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private final Engine engine = new MySqlEngine(Clock.systemUTC());

    @Test
    void probeReportsTheMariaDbFlavorAndVersion() {
        ServerInfo info = engine.probe(source.superuser());

        assertThat(info.engine()).isEqualTo(EngineKind.MYSQL);
        assertThat(info.flavor()).isEqualTo("mariadb");
        assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(info.major()).isGreaterThanOrEqualTo(1000);
        assertThat(info.versionText()).containsIgnoringCase("mariadb");
    }

    @Test
    void aWrongPasswordIsUnauthenticatedAndTheMessageHidesIt() {
        DatabaseConnection wrong = source.superuser().withPassword(Secret.of("not-the-password-42"));

        assertThatThrownBy(() -> engine.probe(wrong))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessageContaining("root")
                .hasMessageNotContaining("not-the-password-42");
    }

    @Test
    void anUnreachableServerIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DatabaseConnection nowhere = new DatabaseConnection(EngineKind.MYSQL, "127.0.0.1", closedPort, "root", Secret.of("x"), null, null);

        assertThatThrownBy(() -> engine.probe(nowhere))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageStartingWith("Cannot reach MySQL/MariaDB at 127.0.0.1:" + closedPort);
    }

    @Test
    void anUnknownDatabaseIsNotFound() {
        assertThatThrownBy(() -> engine.openSnapshot(source.superuser(), "no_such_db_here", CopyFlow.options(1)))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void listsUserDatabasesSortedWithoutSystemOnes() {
        TestDatabase a = source.freshDatabase();

        List<String> databases = engine.listDatabases(source.superuser());

        assertThat(databases).contains(a.name()).doesNotContain("mysql", "information_schema", "performance_schema", "sys").isSorted();
    }

    @Test
    void createsTheDatabaseWithTheSourceCharsetOnceAndReportsWhetherItDid() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("ALTER DATABASE `" + db.name() + "` CHARACTER SET latin1 COLLATE latin1_german2_ci");

        assertThat(engine.createDatabase(db.connection(), destination.superuser(), db.name())).isTrue();
        assertThat(engine.createDatabase(db.connection(), destination.superuser(), db.name())).isFalse();
        assertThat(Servers.query(destination.superuser(), null,
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                        + db.name() + "'"))
                .containsExactly(List.of("latin1", "latin1_german2_ci"));
    }

    @Test
    void copiesEveryKindOfValueAndObjectWithEqualCountsHashesAndDefinitions() throws Exception {
        assertFullCopy(engine, 3);
    }

    @Test
    void theInsertFallbackCopiesTheSameBytesAsBulkInserts() throws Exception {
        assertFullCopy(new MySqlEngine(new CopySettings(Clock.systemUTC(), ChunkSizing.DEFAULT,
                LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, LoadTarget.Method.INSERT)), 2);
    }

    /**
     * A stop (an interrupt) ends a copy through the INSERT fallback after the INSERT it is running, not at the end of
     * its chunk: the 200,000 rows here are one chunk, some 1,000 rows per INSERT.
     */
    @Test
    void anInterruptEndsTheInsertFallbackBetweenTwoStatements() throws Exception {
        var inserting = new MySqlEngine(new CopySettings(Clock.systemUTC(), ChunkSizing.DEFAULT,
                LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, LoadTarget.Method.INSERT));
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100))",
                "INSERT INTO t SELECT seq, REPEAT('x', 80) FROM seq_1_to_200000");
        String count = "SELECT COUNT(*) FROM t";
        try (var snapshot = inserting.openSnapshot(db.connection(), db.name(), CopyFlow.options(1))) {
            CopyFlow.prepare(inserting, db.connection(), destination.superuser(), db.name(), snapshot);
            var table = snapshot.tables().getFirst();
            var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
            Thread copy = Thread.ofPlatform().start(() -> {
                try {
                    snapshot.copyTable(table, destination.superuser(), (rows, bytes) -> { });
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> rows(destination.superuser(), db.name(), count) > 0);

            copy.interrupt();
            copy.join(java.time.Duration.ofSeconds(30));

            assertThat(copy.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOfSatisfying(FerryException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
            assertThat(rows(destination.superuser(), db.name(), count)).as("rows inserted before the stop")
                    .isPositive().isLessThan(200_000);
        }
    }

    private static long rows(DatabaseConnection server, String database, String sql) throws Exception {
        return ((Number) Servers.query(server, database, sql).getFirst().getFirst()).longValue();
    }

    /** LOAD DATA LOCAL is how rows reach a MySQL destination; MariaDB runs it the same way. */
    @Test
    void loadDataCopiesTheSameBytesAsBulkInserts() throws Exception {
        assertFullCopy(new MySqlEngine(new CopySettings(Clock.systemUTC(), ChunkSizing.DEFAULT,
                LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, LoadTarget.Method.LOAD_DATA)), 2);
    }

    @Test
    void tinyChunksCopyEveryKindOfKeyAndValueExactly() throws Exception {
        assertFullCopy(new MySqlEngine(new CopySettings(Clock.systemUTC(), new ChunkSizing(1, 1, 1024, 4096),
                LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, LoadTarget.Method.BULK_INSERT)), 3);
    }

    @Test
    void theContentHashSeesASingleChangedByte() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARBINARY(10))", "INSERT INTO t VALUES (1, 'abc'), (2, NULL)");
        CopyFlow.migrate(engine, db.connection(), destination.superuser(), db.name(), 1);
        List<TableRef> t = List.of(new TableRef(db.name(), "t"));
        assertThat(engine.contentHashes(destination.superuser(), db.name(), t)).isEqualTo(engine.contentHashes(db.connection(), db.name(), t));

        Servers.execute(destination.superuser(), db.name(), "UPDATE t SET v = 'abd' WHERE id = 1");

        assertThat(engine.contentHashes(destination.superuser(), db.name(), t)).isNotEqualTo(engine.contentHashes(db.connection(), db.name(), t));
        assertThat(engine.countRows(destination.superuser(), db.name(), t)).isEqualTo(engine.countRows(db.connection(), db.name(), t));
    }

    @Test
    void clearDatabaseDropsEveryUserObject() throws Exception {
        TestDatabase db = SampleSchema.create(source);
        CopyFlow.migrate(engine, db.connection(), destination.superuser(), db.name(), 2);
        assertThat(engine.userObjects(destination.superuser(), db.name())).isNotEmpty();

        engine.clearDatabase(destination.superuser(), db.name());

        assertThat(engine.userObjects(destination.superuser(), db.name())).isEmpty();
        assertThat(engine.listDatabases(destination.superuser())).contains(db.name());
    }

    static void assertFullCopy(Engine engine, int parallelism) throws Exception {
        TestDatabase db = SampleSchema.create(source);
        DatabaseConnection dest = destination.superuser();

        CopyFlow.migrate(engine, db.connection(), dest, db.name(), parallelism);

        List<String> sourceObjects = engine.userObjects(db.connection(), db.name());
        assertThat(engine.userObjects(dest, db.name())).isEqualTo(sourceObjects);
        List<TableRef> tables = new ArrayList<>();
        for (String o : sourceObjects) {
            if (o.startsWith("table ")) {
                tables.add(new TableRef(db.name(), o.substring(("table " + db.name() + ".").length())));
            }
        }
        assertThat(tables).hasSize(SampleSchema.TABLES);
        assertThat(engine.countRows(dest, db.name(), tables)).isEqualTo(engine.countRows(db.connection(), db.name(), tables))
                .containsEntry(new TableRef(db.name(), "types"), 4L);
        assertThat(engine.contentHashes(dest, db.name(), tables)).isEqualTo(engine.contentHashes(db.connection(), db.name(), tables));
        for (TableRef t : tables) {
            String show = "SHOW CREATE TABLE " + Servers.q(db.name(), t.table());
            assertThat(Servers.query(dest, db.name(), show)).as(show).isEqualTo(Servers.query(db.connection(), db.name(), show));
        }
        // FLOAT prints with six digits; the copy must not round 1234567 to 1234570.
        assertThat(Servers.query(dest, db.name(), "SELECT COUNT(*) FROM types WHERE f IN (1234567, 16777215)").getFirst().getFirst())
                .hasToString("2");
        assertThat(Servers.query(dest, db.name(), "SHOW CREATE TABLE `utf8 tbl`").getFirst().get(1).toString())
                .contains("AUTO_INCREMENT=1000");
        for (String show : List.of("SHOW CREATE PROCEDURE `do it`", "SHOW CREATE FUNCTION twice", "SHOW CREATE VIEW `a view on a view`",
                "SHOW CREATE TRIGGER `child ü trigger`", "SHOW CREATE EVENT nightly")) {
            assertThat(Servers.query(dest, db.name(), show).getFirst().subList(0, 3)).as(show)
                    .isEqualTo(Servers.query(db.connection(), db.name(), show).getFirst().subList(0, 3));
        }
        assertThat(Servers.query(dest, db.name(), "SELECT NEXTVAL(`order seq`)"))
                .isEqualTo(Servers.query(db.connection(), db.name(), "SELECT NEXTVAL(`order seq`)"));
        assertThat(Servers.query(dest, db.name(), "SELECT * FROM `a view on a view` ORDER BY 1"))
                .isEqualTo(Servers.query(db.connection(), db.name(), "SELECT * FROM `a view on a view` ORDER BY 1"))
                .isNotEmpty();
        // The trigger and the foreign key work on the destination.
        Servers.execute(dest, db.name(), "INSERT INTO child (id, parent_id) VALUES (100, 1)");
        assertThat(Servers.query(dest, db.name(), "SELECT note FROM child WHERE id = 100")).containsExactly(List.of("by trigger"));
        assertThatThrownBy(() -> Servers.execute(dest, db.name(), "INSERT INTO child (id, parent_id) VALUES (101, 999)"))
                .hasMessageContaining("foreign key");
    }

    /** Opens sessions with the engine's own connector for checks on servers and databases the testkit did not create. */
    static final class Servers {
        private static final MySqlConnector CONNECTOR = new MySqlConnector();

        static String q(String... parts) {
            return dev.ferry.core.Dialect.MYSQL.quote(parts);
        }

        static List<List<Object>> query(DatabaseConnection server, String database, String sql) throws Exception {
            try (Connection c = CONNECTOR.open(server, database, MySqlConnector.Role.SOURCE)) {
                return Sql.query(c, sql, rs -> {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    return row;
                });
            }
        }

        static void execute(DatabaseConnection server, String database, String... sql) throws Exception {
            try (Connection c = CONNECTOR.open(server, database, MySqlConnector.Role.SOURCE)) {
                Sql.execute(c, sql);
            }
        }
    }
}
