package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a full load of a sysbench-shaped dataset (8 tables of {@code -Dferry.speed.rows=N} rows, 100,000 by default to
 * keep the suite short; the benchmark size is 400,000) the way the job runner drives the engine, and logs rows per
 * second. With {@code -Dferry.speed.peers=true} it also times mydumper then myloader on the same servers and data
 * and logs the ratio. No timing is asserted; bench/mysql-full-load.sh is the benchmark of record.
 */
@Timeout(600)
class FullLoadSpeedIT {
    private static final Logger log = LoggerFactory.getLogger(FullLoadSpeedIT.class);
    private static final int TABLES = 8;
    private static final int PARALLELISM = Math.max(2, Runtime.getRuntime().availableProcessors());

    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    void copiesASysbenchShapedDatabaseAndLogsItsSpeed() throws Exception {
        long rows = Long.getLong("ferry.speed.rows", 100_000);
        TestDatabase db = source.freshDatabase();
        long loadStart = System.nanoTime();
        for (int i = 1; i <= TABLES; i++) {
            db.execute(("CREATE TABLE sbtest%d (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0,"
                    + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_%d (k))").formatted(i, i),
                    ("INSERT INTO sbtest%d (id, k, c, pad) SELECT seq, FLOOR(RAND(seq) * %d),"
                            + " LEFT(CONCAT(SHA2(seq, 256), SHA2(seq + %d, 256)), 119), LEFT(SHA2(-seq, 256), 59) FROM seq_1_to_%d")
                            .formatted(i, rows, i, rows),
                    "ANALYZE TABLE sbtest" + i);
        }
        log.atInfo().addKeyValue("rows", rows * TABLES).addKeyValue("ms", (System.nanoTime() - loadStart) / 1_000_000)
                .log("source loaded");
        Engine engine = new MySqlEngine(Clock.systemUTC());
        DatabaseConnection dest = destination.superuser();

        long start = System.nanoTime();
        long copied = migrate(engine, db, dest);
        long ms = (System.nanoTime() - start) / 1_000_000;

        log.atInfo().addKeyValue("tables", TABLES).addKeyValue("rows", copied).addKeyValue("ms", ms)
                .addKeyValue("rowsPerSecond", copied * 1000 / Math.max(1, ms)).addKeyValue("parallelism", PARALLELISM)
                .log("full load timed");
        List<TableRef> tables = new ArrayList<>();
        for (int i = 1; i <= TABLES; i++) {
            tables.add(new TableRef(db.name(), "sbtest" + i));
        }
        assertThat(copied).isEqualTo(rows * TABLES);
        Map<TableRef, Long> counts = engine.countRows(dest, db.name(), tables);
        assertThat(counts.values()).containsOnly(rows);
        if (Boolean.getBoolean("ferry.speed.peers")) {
            long peerMs = PeerDump.dumpAndLoad(db.connection(), dest, db.name(), db.name() + "_peer", PARALLELISM);
            log.atInfo().addKeyValue("ferryMs", ms).addKeyValue("mydumperMyloaderMs", peerMs)
                    .addKeyValue("ratio", "%.2f".formatted((double) ms / peerMs)).log("compared with mydumper + myloader");
            List<TableRef> peerTables = tables.stream().map(t -> new TableRef(db.name() + "_peer", t.table())).toList();
            assertThat(engine.countRows(dest, db.name() + "_peer", peerTables).values()).containsOnly(rows);
        }
    }

    /** What the runner does: database, snapshot, tables, at most PARALLELISM tables at once, largest first, then indexes. */
    private static long migrate(Engine engine, TestDatabase db, DatabaseConnection dest) throws Exception {
        engine.createDatabase(db.connection(), dest, db.name());
        var options = CopyFlow.options(PARALLELISM);
        try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), options);
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            snapshot.copySchemaBefore(dest);
            Semaphore permits = new Semaphore(PARALLELISM);
            List<Future<CopyResult>> results = new ArrayList<>();
            for (TableInfo t : snapshot.tables()) {
                results.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return snapshot.copyTable(t, dest, CopyProgress.NONE, java.util.Set.of());
                    } finally {
                        permits.release();
                    }
                }));
            }
            long total = 0;
            for (Future<CopyResult> r : results) {
                total += r.get().rows();
            }
            long afterStart = System.nanoTime();
            snapshot.copySchemaAfter(dest);
            log.atInfo().addKeyValue("ms", (System.nanoTime() - afterStart) / 1_000_000).log("indexes built");
            return total;
        }
    }
}
