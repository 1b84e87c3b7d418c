package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.mysql.MySqlEngineIT.Servers;
import dev.ferry.engine.mysql.chunk.ChunkSizing;
import dev.ferry.engine.mysql.copy.LoadSession;
import dev.ferry.engine.mysql.copy.LoadTarget;
import dev.ferry.engine.mysql.snapshot.CopySettings;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class ChunkResumeIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private static Engine engine(long chunkRows) {
        return new MySqlEngine(new CopySettings(Clock.systemUTC(), new ChunkSizing(chunkRows, chunkRows, 64L << 20, 4096),
                LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, LoadTarget.Method.BULK_INSERT));
    }

    /** Records the chunks reported; throws on the chunk after the first {@code keep}, as a crash would. */
    private static final class Crashing implements CopyProgress {
        final List<String> chunks = new CopyOnWriteArrayList<>();
        private final int keep;

        Crashing(int keep) {
            this.keep = keep;
        }

        @Override
        public void copied(long rowsSoFar, long bytesSoFar) {}

        @Override
        public void chunkCopied(String chunk, long rows, long bytes) {
            if (chunks.size() >= keep) {
                throw new IllegalStateException("crash after " + keep + " chunk(s)");
            }
            chunks.add(chunk);
        }
    }

    private static TestDatabase sourceWithTables() {
        TestDatabase db = source.freshDatabase();
        db.execute(
                "CREATE TABLE ints (id INT PRIMARY KEY, v VARCHAR(20), KEY by_v (v))",
                "INSERT INTO ints SELECT CAST(seq AS SIGNED) * 3 - 2000, CONCAT('v\t', seq) FROM seq_1_to_5000",
                "CREATE TABLE strs (code VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY, n INT) DEFAULT CHARSET=utf8mb4",
                "INSERT INTO strs SELECT CONCAT(CHAR(65 + seq % 26), IF(seq % 7 = 0, 'ü', 'u'), '-', seq), seq FROM seq_1_to_3000",
                "CREATE TABLE comp (a INT NOT NULL, b VARBINARY(16) NOT NULL, c DOUBLE, PRIMARY KEY (a, b))",
                "INSERT INTO comp SELECT seq % 10, CONCAT(LEFT(UNHEX(SHA2(seq, 256)), 1 + seq % 4), seq), seq / 3 FROM seq_1_to_3000",
                "CREATE TABLE nokey (a INT, b TEXT)",
                "INSERT INTO nokey SELECT seq % 100, REPEAT('x', seq % 50) FROM seq_1_to_2000");
        return db;
    }

    private static void prepare(Engine engine, TestDatabase db) {
        try (SourceSnapshot s = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
            CopyFlow.prepare(engine, db.connection(), destination.superuser(), db.name(), s);
        }
    }

    private static TableInfo table(SourceSnapshot snapshot, String name) {
        return snapshot.tables().stream().filter(t -> t.ref().table().equals(name)).findFirst().orElseThrow();
    }

    private static void assertSameContent(Engine engine, TestDatabase db, String table) {
        List<TableRef> t = List.of(new TableRef(db.name(), table));
        assertThat(engine.contentHashes(destination.superuser(), db.name(), t))
                .isEqualTo(engine.contentHashes(db.connection(), db.name(), t));
    }

    /** Copies {@code table} until the crash after {@code keep} chunks; returns the chunks reported done. */
    private static Set<String> interruptedCopy(Engine engine, TestDatabase db, String table, int keep) {
        Crashing crashing = new Crashing(keep);
        try (SourceSnapshot first = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
            assertThatThrownBy(() -> first.copyTable(table(first, table), destination.superuser(), crashing, Set.of()))
                    .hasMessageContaining("crash after");
        }
        assertThat(crashing.chunks).hasSize(keep);
        return Set.copyOf(crashing.chunks);
    }

    @Test
    void aCopyInterruptedAfterSomeChunksResumesOnANewSnapshotAndEqualsTheSource() throws Exception {
        Engine engine = engine(400);
        TestDatabase db = sourceWithTables();
        prepare(engine, db);
        for (String table : List.of("ints", "strs", "comp")) {
            Set<String> done = interruptedCopy(engine, db, table, 2);
            List<String> reported = new CopyOnWriteArrayList<>();
            CopyResult result;
            try (SourceSnapshot second = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
                result = second.copyTable(table(second, table), destination.superuser(), new CopyProgress() {
                    @Override
                    public void copied(long rowsSoFar, long bytesSoFar) {}

                    @Override
                    public void chunkCopied(String chunk, long rows, long bytes) {
                        reported.add(chunk);
                    }
                }, done);
            }

            assertSameContent(engine, db, table);
            assertThat(result.rows()).as(table).isEqualTo(db.queryLong("SELECT COUNT(*) FROM " + table));
            assertThat(reported).as(table).isNotEmpty().doesNotContainAnyElementsOf(done);
        }
    }

    @Test
    void chunksOfAnotherPlanAreKeptAndNotCopiedTwice() {
        TestDatabase db = sourceWithTables();
        prepare(engine(1000), db);
        Set<String> done = interruptedCopy(engine(1000), db, "ints", 1);

        Engine finer = engine(300);
        try (SourceSnapshot second = finer.openSnapshot(db.connection(), db.name(), CopyFlow.options(3))) {
            second.copyTable(table(second, "ints"), destination.superuser(), CopyProgress.NONE, done);
        }

        assertSameContent(finer, db, "ints");
    }

    @Test
    void aTableWithoutKeyIsOneChunkEmptiedBeforeItIsCopiedAgain() throws Exception {
        Engine engine = engine(100);
        TestDatabase db = sourceWithTables();
        prepare(engine, db);
        DatabaseConnection dest = destination.superuser();
        Servers.execute(dest, db.name(), "INSERT INTO nokey VALUES (-1, 'left over by a crash')");
        Crashing all = new Crashing(10);

        try (SourceSnapshot s = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
            s.copyTable(table(s, "nokey"), dest, all, Set.of());
        }
        assertSameContent(engine, db, "nokey");
        assertThat(all.chunks).containsExactly("[*,*)");

        CopyResult again;
        try (SourceSnapshot s = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
            again = s.copyTable(table(s, "nokey"), dest, CopyProgress.NONE, Set.of("[*,*)"));
        }
        assertThat(again.rows()).isEqualTo(2000);
        assertThat(again.bytes()).isZero();
        assertSameContent(engine, db, "nokey");
    }

    @Test
    void aContinuousJobCopiesAgainWhatAnEarlierSnapshotCopied() {
        Engine engine = engine(400);
        TestDatabase db = sourceWithTables();
        prepare(engine, db);
        Set<String> done = interruptedCopy(engine, db, "ints", 1);
        db.execute("UPDATE ints SET v = 'changed' WHERE id < 0");
        List<String> reported = new CopyOnWriteArrayList<>();

        var continuous = new Engine.SnapshotOptions("job-it", new ObjectSelection(ObjectsConfig.ALL), true, true, 2);
        try (SourceSnapshot second = engine.openSnapshot(db.connection(), db.name(), continuous)) {
            second.copyTable(table(second, "ints"), destination.superuser(), new CopyProgress() {
                @Override
                public void copied(long rowsSoFar, long bytesSoFar) {}

                @Override
                public void chunkCopied(String chunk, long rows, long bytes) {
                    reported.add(chunk);
                }
            }, done);
        }

        assertThat(reported).containsAll(done);
        assertSameContent(engine, db, "ints");
    }

    /**
     * An attempt whose loading connection was cut (a stalled network, see StallWatch) leaves its LOAD DATA running on
     * the server until the bytes the network still holds arrive; it then commits. When that happens after the retry
     * found the table empty, LOAD DATA LOCAL skips the retry's rows as duplicates and the chunk "accepts 0 of N
     * rows". The retry ends such a load before it prepares the table.
     */
    @Test
    void aLoadAnEarlierAttemptLeftRunningOnTheDestinationIsEndedBeforeTheTableIsCopiedAgain() throws Exception {
        Engine engine = engine(1000);
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE ledger (id BIGINT PRIMARY KEY, note VARCHAR(40) NOT NULL)",
                "INSERT INTO ledger SELECT seq, CONCAT('note ', seq) FROM seq_1_to_5000");
        prepare(engine, db);
        DatabaseConnection dest = destination.superuser();
        StringBuilder rows = new StringBuilder();
        for (int id = 1; id <= 5000; id++) {
            rows.append(id).append("\tnote ").append(id).append('\n');
        }
        var endOfFile = new CountDownLatch(1);
        try (LoadTarget abandoned = new LoadSession(new MySqlConnector(), LoadSession.BinlogPolicy.KEEP, LoadTarget.Method.LOAD_DATA).open(dest, db.name());
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long session = Sql.queryLong(abandoned.connection(), "SELECT CONNECTION_ID()");
            // The earlier attempt: every row sent, the end of the file still held by the network.
            InputStream file = new SequenceInputStream(new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)),
                    new InputStream() {
                        @Override
                        public int read() {
                            try {
                                endOfFile.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return -1;
                        }
                    });
            Future<Long> load = executor.submit(() -> {
                try (Statement s = abandoned.connection().createStatement()) {
                    s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(file);
                    return s.executeLargeUpdate("LOAD DATA LOCAL INFILE 'ferry.tsv' INTO TABLE "
                            + Servers.q(db.name(), "ledger") + " CHARACTER SET binary (`id`, `note`)");
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> longs(dest, db.name(),
                    "SELECT trx_rows_modified FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = " + session)
                    .equals(List.of(5000L)));
            // The network delivers the end of the file once the retry loads too (or the earlier load is gone).
            executor.submit(() -> {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    List<Long> loading = longs(dest, db.name(), "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOAD DATA%'");
                    return !loading.contains(session) || loading.size() > 1;
                });
                endOfFile.countDown();
                return null;
            });

            try (SourceSnapshot retry = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2))) {
                retry.copyTable(table(retry, "ledger"), dest, CopyProgress.NONE, Set.of());
            } finally {
                endOfFile.countDown();
            }

            assertThatThrownBy(load::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SQLException.class);
        }
        assertSameContent(engine, db, "ledger");
    }

    private static List<Long> longs(DatabaseConnection server, String database, String sql) throws Exception {
        return Servers.query(server, database, sql).stream().map(row -> ((Number) row.getFirst()).longValue()).toList();
    }
}
