package dev.ferry.engine.mysql;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.mysql.MySqlEngineIT.Servers;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class XpIT {
    private static final Logger log = LoggerFactory.getLogger(XpIT.class);
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();
    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    static long[] cpu(DatabaseConnection src, DatabaseConnection dst) throws Exception {
        long[] out = new long[4];
        int i = 0;
        for (DatabaseConnection c : List.of(src, dst)) {
            String pidFile = Servers.query(c, null, "SELECT @@pid_file").getFirst().getFirst().toString();
            String pid = java.nio.file.Files.readString(java.nio.file.Path.of(pidFile)).strip();
            out[i++] = ticks("/proc/" + pid + "/stat", false);
        }
        out[2] = ticks("/proc/self/stat", false);
        out[3] = ticks("/proc/self/stat", true);
        return out;
    }

    static long ticks(String stat, boolean children) throws Exception {
        String s = java.nio.file.Files.readString(java.nio.file.Path.of(stat));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // fields after the name: index 11 = utime, 12 = stime, 13 = cutime, 14 = cstime (0-based from state)
        return children ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static String diff(long[] a, long[] b) {
        return "src=%d dst=%d jvm=%d children=%d (x10ms)".formatted(b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3]);
    }

    @Test
    void xp() throws Exception {
        long rows = Long.getLong("ferry.speed.rows", 400_000);
        TestDatabase db = source.freshDatabase();
        for (int i = 1; i <= 8; i++) {
            db.execute(("CREATE TABLE sbtest%d (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0,"
                    + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_%d (k))").formatted(i, i),
                    ("INSERT INTO sbtest%d (id, k, c, pad) SELECT seq, FLOOR(RAND(seq) * %d),"
                            + " LEFT(CONCAT(SHA2(seq, 256), SHA2(seq + %d, 256)), 119), LEFT(SHA2(-seq, 256), 59) FROM seq_1_to_%d")
                            .formatted(i, rows, i, rows), "ANALYZE TABLE sbtest" + i);
        }
        DatabaseConnection dest = destination.superuser();
        String[] variants = System.getProperty("xp.variants", "0:33554432,1:33554432,1:8388608").split(",");
        for (int round = 0; round < Integer.getInteger("xp.rounds", 2); round++) {
            for (String v : variants) {
                String[] p = v.split(":");
                System.setProperty("xp.unique", p[0]);
                Engine engine = new MySqlEngine(new dev.ferry.engine.mysql.snapshot.CopySettings(Clock.systemUTC(),
                        new dev.ferry.engine.mysql.chunk.ChunkSizing(20_000, 500_000, Long.parseLong(p[1]), 4096),
                        dev.ferry.engine.mysql.copy.LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, true));
                Servers.execute(dest, null, "DROP DATABASE IF EXISTS `" + db.name() + "`");
                long[] c0 = cpu(db.connection(), dest);
                long start = System.nanoTime();
                engine.createDatabase(db.connection(), dest, db.name());
                long idx;
                try (SourceSnapshot snapshot = engine.openSnapshot(db.connection(), db.name(), CopyFlow.options(2));
                        var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    snapshot.copySchemaBefore(dest);
                    Semaphore permits = new Semaphore(2);
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
                    for (Future<CopyResult> r : results) {
                        r.get();
                    }
                    long s2 = System.nanoTime();
                    snapshot.copySchemaAfter(dest);
                    idx = (System.nanoTime() - s2) / 1_000_000;
                }
                log.atInfo().addKeyValue("variant", v).addKeyValue("ms", (System.nanoTime() - start) / 1_000_000)
                        .addKeyValue("indexMs", idx).addKeyValue("cpu", diff(c0, cpu(db.connection(), dest))).log("XP");
            }
        }
        if (Boolean.getBoolean("ferry.speed.peers")) {
            long[] c0 = cpu(db.connection(), dest);
            long peer = PeerDump.dumpAndLoad(db.connection(), dest, db.name(), db.name() + "_peer", 2);
            log.atInfo().addKeyValue("ms", peer).addKeyValue("cpu", diff(c0, cpu(db.connection(), dest))).log("XP peers");
        }
    }
}
