package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.mysql.MySqlEngineIT.Servers;
import dev.ferry.engine.mysql.snapshot.MySqlSnapshot;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class MySqlSnapshotIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private final Engine engine = new MySqlEngine(Clock.systemUTC());

    @Test
    void rowsCommittedAfterTheSnapshotOpenedAreNotCopied() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO t SELECT seq, 'before' FROM seq_1_to_1000");
        DatabaseConnection dest = destination.superuser();

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
            db.execute("INSERT INTO t VALUES (1001, 'after')", "UPDATE t SET v = 'changed' WHERE id = 1", "DELETE FROM t WHERE id = 2");
            CopyFlow.prepare(engine, db.connection(), dest, db.name(), snapshot);
            CopyFlow.copyAll(snapshot, dest);
        }

        assertThat(Servers.query(dest, db.name(), "SELECT COUNT(*), SUM(v = 'before') FROM t").getFirst())
                .map(Object::toString).containsExactly("1000", "1000");
        assertThat(db.queryLong("SELECT COUNT(*) FROM t")).isEqualTo(1000);
    }

    @Test
    void copiesATableLargerThanOneLoadDataChunkAndReportsProgress() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(20), n INT, KEY by_n (n))",
                "INSERT INTO big SELECT seq, CONCAT('row\t', seq), seq % 7 FROM seq_1_to_210000");
        DatabaseConnection dest = destination.superuser();
        List<long[]> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        CopyResult result;

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(1))) {
            CopyFlow.prepare(engine, db.connection(), dest, db.name(), snapshot);
            result = snapshot.copyTable(snapshot.tables().getFirst(), dest, (rows, bytes) -> progress.add(new long[] {rows, bytes}));
            snapshot.copySchemaAfter(dest);
        }

        assertThat(result.rows()).isEqualTo(210_000);
        assertThat(progress.getLast()).containsExactly(result.rows(), result.bytes());
        List<TableRef> big = List.of(new TableRef(db.name(), "big"));
        assertThat(engine.contentHashes(dest, db.name(), big)).isEqualTo(engine.contentHashes(db.connection(), db.name(), big));
        assertThat(Servers.query(dest, db.name(), "SHOW CREATE TABLE big")).isEqualTo(db.query("SHOW CREATE TABLE big"));
    }

    @Test
    void reportsTheBinlogPositionOfTheSnapshot() {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(1))) {
            List<List<Object>> master = db.query("SHOW MASTER STATUS");
            String gtid = db.query("SELECT @@gtid_binlog_pos").getFirst().getFirst().toString();

            assertThat(snapshot.replicationStart()).get().isInstanceOfSatisfying(Position.BinlogPosition.class, p -> {
                assertThat(p.file()).isEqualTo(master.getFirst().get(0));
                assertThat(p.offset()).isEqualTo(((Number) master.getFirst().get(1)).longValue());
                assertThat(p.gtids()).isEqualTo(gtid);
            });
        }
    }

    @Test
    void nonTransactionalTablesStayReadLockedUntilCopied() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM", "INSERT INTO m VALUES (1), (2)");
        DatabaseConnection dest = destination.superuser();

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(1));
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> db.execute("INSERT INTO m VALUES (3)"), executor);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !writer.isDone());
            CopyFlow.prepare(engine, db.connection(), dest, db.name(), snapshot);
            CopyFlow.copyAll(snapshot, dest);

            await().atMost(Duration.ofSeconds(10)).until(writer::isDone);
            writer.join();
        }

        assertThat(Servers.query(dest, db.name(), "SELECT COUNT(*) FROM m").getFirst().getFirst().toString()).isEqualTo("2");
        assertThat(db.queryLong("SELECT COUNT(*) FROM m")).isEqualTo(3);
    }

    @Test
    void eachNonTransactionalTableIsUnlockedAsSoonAsItsOwnCopyEndsAndTheyAreCopiedFirst() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(100)) ENGINE=InnoDB",
                "INSERT INTO big SELECT seq, repeat('x', 90) FROM seq_1_to_20000",
                "CREATE TABLE m1 (id INT PRIMARY KEY) ENGINE=MyISAM", "INSERT INTO m1 VALUES (1)",
                "CREATE TABLE m2 (id INT PRIMARY KEY) ENGINE=MyISAM", "INSERT INTO m2 VALUES (1)");
        DatabaseConnection dest = destination.superuser();

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2));
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(snapshot.tables().subList(0, 2)).extracting(t -> t.ref().table()).containsExactlyInAnyOrder("m1", "m2");
            CopyFlow.prepare(engine, db.connection(), dest, db.name(), snapshot);
            TableInfo m1 = snapshot.tables().stream().filter(t -> t.ref().table().equals("m1")).findFirst().orElseThrow();
            snapshot.copyTable(m1, dest, (rows, bytes) -> { });

            // m1 is copied: its writers go on at once, while m2 (not copied yet) still keeps its writers waiting.
            CompletableFuture<Void> toM1 = CompletableFuture.runAsync(() -> db.execute("INSERT INTO m1 VALUES (2)"), executor);
            CompletableFuture<Void> toM2 = CompletableFuture.runAsync(() -> db.execute("INSERT INTO m2 VALUES (2)"), executor);
            await().atMost(Duration.ofSeconds(5)).until(toM1::isDone);
            toM1.join();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !toM2.isDone());

            TableInfo m2 = snapshot.tables().stream().filter(t -> t.ref().table().equals("m2")).findFirst().orElseThrow();
            snapshot.copyTable(m2, dest, (rows, bytes) -> { });
            await().atMost(Duration.ofSeconds(5)).until(toM2::isDone);
            toM2.join();
        }

        assertThat(Servers.query(dest, db.name(), "SELECT COUNT(*) FROM m1").getFirst().getFirst().toString()).isEqualTo("1");
        assertThat(Servers.query(dest, db.name(), "SELECT COUNT(*) FROM m2").getFirst().getFirst().toString()).isEqualTo("1");
    }

    @Test
    void listsSelectedBaseTablesLargestFirstWithTheirPrimaryKeys() {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE small (id INT PRIMARY KEY)", "CREATE TABLE big (v VARCHAR(100))", "CREATE TABLE skipped (id INT)",
                "INSERT INTO big SELECT REPEAT('x', 100) FROM seq_1_to_20000", "ANALYZE TABLE big", "CREATE VIEW v AS SELECT 1 AS one");
        var selection = new ObjectSelection(new ObjectsConfig(List.of(), List.of(db.name() + "." + db.name() + ".skipped")));

        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(),
                new Engine.SnapshotOptions("job", selection, false, 1))) {
            assertThat(snapshot.tables()).extracting(TableInfo::ref)
                    .containsExactly(new TableRef(db.name(), "big"), new TableRef(db.name(), "small"));
            assertThat(snapshot.tables()).extracting(TableInfo::hasPrimaryKey).containsExactly(false, true);
            assertThat(snapshot.tables().getFirst().estimatedBytes()).isPositive();
        }
    }

    @Test
    void withoutReloadOneSnapshotConnectionCopiesEverythingAndMariaDbStillGivesThePosition() throws Exception {
        TestDatabase db = source.freshDatabase();
        String user = "noreload_" + db.name();
        db.execute("CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY)",
                "INSERT INTO a VALUES (1), (2)", "INSERT INTO b VALUES (3)",
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-" + user + "'",
                "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES ON `" + db.name() + "`.* TO '" + user + "'@'%'");
        DatabaseConnection limited = new DatabaseConnection(db.connection().engine(), db.connection().host(), db.connection().port(),
                user, Secret.of("pw-" + user), db.name(), null);
        DatabaseConnection dest = destination.superuser();

        try (SourceSnapshot snapshot = engine.openSnapshot(limited, db.name(), CopyFlow.options(4))) {
            assertThat(((MySqlSnapshot) snapshot).workers()).isEqualTo(1);
            assertThat(snapshot.replicationStart()).get().isInstanceOf(Position.BinlogPosition.class);
            db.execute("INSERT INTO a VALUES (99)");
            CopyFlow.prepare(engine, db.connection(), dest, db.name(), snapshot);
            CopyFlow.copyAll(snapshot, dest);
        }

        assertThat(engine.countRows(dest, db.name(), List.of(new TableRef(db.name(), "a"), new TableRef(db.name(), "b"))).values())
                .containsExactly(2L, 1L);
    }

    @Test
    void loadedRowsSkipTheDestinationsBinaryLogOnlyWhenTheUserMay() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100))", "INSERT INTO t SELECT seq, REPEAT('x', 100) FROM seq_1_to_5000");
        DatabaseConnection root = destination.superuser();
        String loader = "binlogless_" + db.name();
        engine.createDatabase(db.connection(), root, db.name());
        Servers.execute(root, null, "CREATE USER '" + loader + "'@'%' IDENTIFIED BY 'pw'",
                "GRANT ALL ON `" + db.name() + "`.* TO '" + loader + "'@'%'");
        DatabaseConnection limited = new DatabaseConnection(root.engine(), root.host(), root.port(), loader, Secret.of("pw"), null, null);
        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(1))) {
            CopyFlow.prepare(engine, db.connection(), root, db.name(), snapshot);
            TableInfo t = snapshot.tables().getFirst();

            long asRoot = binlogGrowth(root, () -> snapshot.copyTable(t, root, (rows, bytes) -> { }));
            long asLoader = binlogGrowth(root, () -> snapshot.copyTable(t, limited, (rows, bytes) -> { }));

            assertThat(asRoot).isLessThan(50_000);
            assertThat(asLoader).isGreaterThan(500_000);
        } finally {
            Servers.execute(root, null, "DROP USER '" + loader + "'@'%'");
        }
        assertThat(Servers.query(root, db.name(), "SELECT COUNT(*) FROM t").getFirst().getFirst()).hasToString("5000");
    }

    /** Bytes the server's binary log grew by while {@code work} ran. */
    private static long binlogGrowth(DatabaseConnection server, Runnable work) throws Exception {
        Servers.execute(server, null, "FLUSH BINARY LOGS");
        work.run();
        return ((Number) Servers.query(server, null, "SHOW MASTER STATUS").getFirst().get(1)).longValue();
    }
}
