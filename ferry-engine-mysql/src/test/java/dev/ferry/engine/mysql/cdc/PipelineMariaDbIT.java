package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.testkit.LocalMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MySQL/MariaDB replication through the change pipeline: a source transaction larger than a batch is applied in
 * several destination transactions and resumes exactly once after a crash inside it; with four apply partitions,
 * repeated changes of a few rows reach the destination as fewer row writes; swaps of a secondary unique key, which
 * set-based statements cannot apply in one go, end equal.
 */
@Timeout(180)
class PipelineMariaDbIT {
    private static final Logger log = LoggerFactory.getLogger(PipelineMariaDbIT.class);

    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    void aHugeTransactionIsCutIntoBatchesAndResumesExactlyOnceAfterACrashInsideIt() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, n BIGINT NOT NULL) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO big SELECT seq, CONCAT('row ', seq), seq * 7 FROM seq_1_to_100000");
        ReplicationRequest request = f.request("huge-job", start).withApplyPartitions(4);

        // The process dies right after the first batch of the transaction committed.
        var dying = new RecordingListener() {
            @Override
            public void applied(Position position, Instant sourceCommitTime, Map<TableRef, Long> counts) {
                super.applied(position, sourceCommitTime, counts);
                if (rows.get() > 0) {
                    throw new IllegalStateException("the process died");
                }
            }
        };
        assertThatThrownBy(() -> run(request, dying)).hasMessageContaining("the process died");

        // The batch after it may have been in flight already and committed too, by some partitions or all.
        long applied = f.destinationLong("SELECT COUNT(*) FROM big");
        assertThat(applied).as("rows committed before the crash").isGreaterThanOrEqualTo(dying.rows.get()).isBetween(1L, 99_999L);
        assertThat(f.destinationStrings("SELECT COALESCE(partial_txn, 'none') FROM ferry.replication_progress WHERE job = 'huge-job'"))
                .as("every partition stands inside the transaction").hasSize(4).doesNotContain("none");

        var resumed = new RecordingListener();
        run(request, resumed);

        assertThat(f.destinationLong("SELECT COUNT(*) FROM big")).isEqualTo(100_000);
        assertThat(resumed.rows.get()).as("the rest, once").isEqualTo(100_000 - applied);
        f.assertSameContent("big");
        assertThat(f.destinationStrings("SELECT DISTINCT COALESCE(partial_txn, 'none') FROM ferry.replication_progress"
                + " WHERE job = 'huge-job'")).containsExactly("none");
    }

    @Test
    void repeatedChangesOfAFewRowsReachTheDestinationAsFewerRowWritesAcrossFourPartitions() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE hot (id INT PRIMARY KEY, n BIGINT NOT NULL, note VARCHAR(40) NOT NULL) ENGINE=InnoDB",
                "INSERT INTO hot SELECT seq, 0, '' FROM seq_1_to_8",
                "CREATE TABLE cold (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        int transactions = 5_000;
        int sourceRows = 0;
        try (Connection c = f.source.open()) {
            c.setAutoCommit(false);
            try (PreparedStatement hot = c.prepareStatement("UPDATE hot SET n = n + 1, note = ? WHERE id = ?");
                    PreparedStatement cold = c.prepareStatement("INSERT INTO cold VALUES (?, ?)")) {
                for (int i = 0; i < transactions; i++) {
                    hot.setString(1, "t" + i);
                    hot.setInt(2, 1 + i % 8);
                    sourceRows += hot.executeUpdate();
                    if (i % 10 == 0) {
                        cold.setInt(1, i);
                        cold.setInt(2, i);
                        sourceRows += cold.executeUpdate();
                    }
                    c.commit();
                }
            }
        }
        long before = destinationRowWrites();

        var listener = new RecordingListener();
        run(f.request("hot-job", start).withApplyPartitions(4), listener);

        long written = destinationRowWrites() - before;
        log.atInfo().addKeyValue("sourceRows", sourceRows).addKeyValue("destinationRowWrites", written)
                .addKeyValue("destinationCommits", listener.commits.get()).log("row writes with compaction over four partitions");
        f.assertSameContent("hot", "cold");
        assertThat(listener.rows.get()).isEqualTo(sourceRows);
        assertThat(f.destinationLong("SELECT COUNT(*) FROM ferry.replication_progress WHERE job = 'hot-job'")).isEqualTo(4);
        assertThat(written).as("rows written, updated and deleted on the destination, bookkeeping included")
                .isPositive().isLessThan(sourceRows / 2);
    }

    @Test
    void swapsOfASecondaryUniqueKeyEndEqual() throws Exception {
        int seats = 20;
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE seat (id INT PRIMARY KEY, code INT NOT NULL, who VARCHAR(20) NOT NULL, UNIQUE KEY uq_code (code))"
                        + " ENGINE=InnoDB",
                "INSERT INTO seat SELECT seq, seq, CONCAT('p', seq) FROM seq_1_to_" + seats,
                "CREATE TABLE plain (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        var random = new Random(7);
        int[] code = new int[seats + 1];
        for (int i = 1; i <= seats; i++) {
            code[i] = i;
        }
        int nextId = seats + 1;
        try (Connection c = f.source.open()) {
            c.setAutoCommit(false);
            for (int t = 0; t < 600; t++) {
                int a = 1 + random.nextInt(seats);
                int b = 1 + random.nextInt(seats);
                if (a == b) {
                    continue;
                }
                switch (t % 3) {
                    case 0 -> {
                        // Two seats swap their codes through a free one, in one transaction.
                        Sql.update(c, "UPDATE seat SET code = -1 WHERE id = ?", a);
                        Sql.update(c, "UPDATE seat SET code = ? WHERE id = ?", code[a], b);
                        Sql.update(c, "UPDATE seat SET code = ? WHERE id = ?", code[b], a);
                        int swap = code[a];
                        code[a] = code[b];
                        code[b] = swap;
                    }
                    case 1 -> {
                        // A seat leaves and another person takes its code, under a new key.
                        int id = nextId++;
                        Sql.update(c, "DELETE FROM seat WHERE id = ?", a);
                        Sql.update(c, "INSERT INTO seat VALUES (?, ?, ?)", id, code[a], "n" + id);
                        Sql.update(c, "UPDATE seat SET id = ? WHERE id = ?", a, id);
                    }
                    default -> {
                        // The swap spread over two transactions, with unrelated rows between.
                        Sql.update(c, "UPDATE seat SET code = -2 WHERE id = ?", a);
                        c.commit();
                        Sql.update(c, "INSERT INTO plain VALUES (?, 0) ON DUPLICATE KEY UPDATE v = v + 1", t % 50);
                        c.commit();
                        Sql.update(c, "UPDATE seat SET code = ? WHERE id = ?", code[a], b);
                        Sql.update(c, "UPDATE seat SET code = ? WHERE id = ?", code[b], a);
                        int swap = code[a];
                        code[a] = code[b];
                        code[b] = swap;
                    }
                }
                Sql.update(c, "UPDATE seat SET who = ? WHERE id = ?", "w" + t, b);
                c.commit();
            }
        }

        run(f.request("seat-job", start).withApplyPartitions(4), new RecordingListener());

        f.assertSameContent("seat", "plain");
    }

    @Test
    void rowsDeletedAndInsertedAgainUnderAKeyTheCollationTakesForTheSameEndEqual() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE tag (name VARCHAR(40) COLLATE utf8mb4_general_ci PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO tag SELECT CONCAT('tag', seq), seq FROM seq_1_to_200");
        BinlogPosition start = f.sourceHead();
        try (Connection c = f.source.open()) {
            c.setAutoCommit(false);
            for (int i = 1; i <= 200; i++) {
                // Each row leaves under one spelling and comes back under another, in one transaction.
                Sql.update(c, "DELETE FROM tag WHERE name = ?", "tag" + i);
                Sql.update(c, "INSERT INTO tag VALUES (?, ?)", (i % 2 == 0 ? "TAG" : "Tag") + i, -i);
                c.commit();
            }
        }

        var listener = new RecordingListener();
        run(f.request("case-job", start).withApplyPartitions(4), listener);

        assertThat(listener.diverged).isEmpty();
        f.assertSameContent("tag");
        assertThat(f.destinationStrings("SELECT name FROM tag WHERE n = -2")).containsExactly("TAG2");
    }

    @Test
    void aRestartWithFewerPartitionsRetiresTheProgressOfTheOthers() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t SELECT seq, seq FROM seq_1_to_1000");
        run(f.request("fewer-job", start).withApplyPartitions(4), new RecordingListener());
        f.onSource("UPDATE t SET v = v + 1 WHERE id % 3 = 0", "DELETE FROM t WHERE id % 7 = 0");

        var listener = new RecordingListener();
        run(f.request("fewer-job", start).withApplyPartitions(2), listener);

        f.assertSameContent("t");
        assertThat(listener.rows.get()).isEqualTo(333 + 142);
        assertThat(f.destinationStrings("SELECT part FROM ferry.replication_progress WHERE job = 'fewer-job' ORDER BY part"))
                .containsExactly("0", "1");
    }

    private static void run(ReplicationRequest request, RecordingListener listener) throws InterruptedException {
        var replication = MySqlReplication.open(request, ReplicationFixture.CONNECTOR, Clock.systemUTC());
        replication.stopAt(replication.sourceHead());
        replication.run(listener);
    }

    /** Rows the destination server's storage engines wrote, updated and deleted so far (temporary tables not counted). */
    private static long destinationRowWrites() throws SQLException {
        try (Connection c = ReplicationFixture.CONNECTOR.open(destination.superuser(), null, MySqlConnector.Role.DESTINATION)) {
            return Sql.queryLong(c, "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN"
                    + " ('HANDLER_WRITE', 'HANDLER_UPDATE', 'HANDLER_DELETE')");
        }
    }
}
