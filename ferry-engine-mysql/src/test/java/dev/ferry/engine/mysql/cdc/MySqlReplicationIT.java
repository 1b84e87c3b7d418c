package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.fault.FaultBudget;
import dev.ferry.core.fault.FaultListener;
import dev.ferry.core.fault.Retrier;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.MySqlEngine;
import dev.ferry.engine.mysql.MySqlFailures;
import dev.ferry.testkit.LocalMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(90)
class MySqlReplicationIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private static final Engine ENGINE = new MySqlEngine(Clock.systemUTC());

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopBackgroundWork() {
        executor.shutdownNow();
    }

    static final String ALL_TYPES = """
            CREATE TABLE all_types (
              id INT PRIMARY KEY,
              u8 TINYINT UNSIGNED, i8 TINYINT, u16 SMALLINT UNSIGNED, u24 MEDIUMINT UNSIGNED, i24 MEDIUMINT,
              u32 INT UNSIGNED, i32 INT, u64 BIGINT UNSIGNED, i64 BIGINT,
              f FLOAT, d DOUBLE, dec65 DECIMAL(65,30), dec5 DECIMAL(5,2) UNSIGNED,
              b1 BIT(1), b10 BIT(10), b64 BIT(64),
              vc_utf8 VARCHAR(100) CHARACTER SET utf8mb4, vc_latin1 VARCHAR(100) CHARACTER SET latin1,
              ch CHAR(10) CHARACTER SET utf8mb4, ch_latin1 CHAR(5) CHARACTER SET latin1,
              bin BINARY(4), vbin VARBINARY(20), bl BLOB, tx TEXT CHARACTER SET utf8mb4, lt LONGTEXT CHARACTER SET latin1,
              js JSON,
              dt DATE, dtm DATETIME, dtm6 DATETIME(6), dtm3 DATETIME(3),
              ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
              tm TIME, tm6 TIME(6), tm2 TIME(2), tm4 TIME(4), yr YEAR,
              en ENUM('a','b','c'), st SET('x','y','z'),
              gv INT AS (i32 * 2) VIRTUAL, gs VARCHAR(120) AS (CONCAT(vc_utf8, '!')) STORED
            ) ENGINE=InnoDB""";

    static final String COLUMNS = "id, u8, i8, u16, u24, i24, u32, i32, u64, i64, f, d, dec65, dec5, b1, b10, b64, vc_utf8, vc_latin1,"
            + " ch, ch_latin1, bin, vbin, bl, tx, lt, js, dt, dtm, dtm6, dtm3, ts, ts6, tm, tm6, tm2, tm4, yr, en, st";

    @Test
    void insertsUpdatesAndDeletesOfEveryTypeArriveIdentical() throws Exception {
        var f = ReplicationFixture.create(source, destination, ALL_TYPES,
                "CREATE TABLE nopk (a INT, b VARCHAR(10), c DOUBLE) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO all_types (" + COLUMNS + ") VALUES"
                        + " (1, 255, -128, 65535, 16777215, -8388608, 4294967295, -2147483648, 18446744073709551615,"
                        + " -9223372036854775808, 1234567, 2.2250738585072014E-308,"
                        + " '-12345678901234567890123456789012345.123456789012345678901234567890', 999.99,"
                        + " b'1', b'1010101010', b'1111111111111111111111111111111111111111111111111111111111111111',"
                        + " 'héllo 😀 世界', 'café', 'x', 'é', x'00ff', x'00ff00', x'000102fffe0a0d5c27',"
                        + " '🙂 text', 'ÿ latin', '{\"a\": [1, 2.5, \"x\"], \"b\": null}',"
                        + " '0000-00-00', '0000-00-00 00:00:00', '2024-02-29 23:59:59.999999', '1000-01-01 00:00:00.001',"
                        + " '1970-01-01 00:00:01', '2038-01-19 03:14:07.999999',"
                        + " '-838:59:59', '-12:34:56.789012', '-00:00:00.01', '-00:00:01.0001', 0, 'c', 'x,z'),"
                        + " (2, 0, 127, 0, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, -0.1, -1.5e300, 0.000000000000000000000000000001,"
                        + " 0.01, b'0', b'0', b'0', '', '', '', '', '', '', '', '', '', '[]',"
                        + " '2020-00-15', '2020-01-00 10:00:00', '9999-12-31 23:59:59.000001', '2000-01-01 00:00:00.000',"
                        + " '0000-00-00 00:00:00', '2000-02-29 12:00:00.5', '838:59:59', '00:00:00.000001', '12:00:00.99',"
                        + " '-100:00:00.5', 2155, 'a', ''),"
                        + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                bulkInsert(4, 200),
                "UPDATE all_types SET vc_utf8 = CONCAT(vc_utf8, 'ü'), u64 = u64 - 1, tm6 = '-01:02:03.000004' WHERE id % 3 = 0",
                "UPDATE all_types SET id = id + 1000 WHERE id = 5",
                "UPDATE all_types SET js = JSON_SET(js, '$.b', 'changed') WHERE id = 1",
                "DELETE FROM all_types WHERE id % 5 = 0",
                "INSERT INTO nopk VALUES (1, 'a', NULL), (1, 'a', NULL), (1, 'a', NULL), (2, NULL, 1.5), (3, 'c', 0.1)",
                "UPDATE nopk SET b = 'z' WHERE a = 1 LIMIT 1",
                "DELETE FROM nopk WHERE a = 2",
                "UPDATE nopk SET c = 2.5 WHERE a = 3");

        var listener = runToHead(f, f.open("types-job", start));

        assertThat(f.source.queryLong("SELECT COUNT(*) FROM all_types")).isEqualTo(160);
        f.assertSameContent("all_types", "nopk");
        assertThat(f.destinationStrings("SELECT CONCAT_WS('|', tm6, tm2, tm4, dt, dtm, yr, u64, HEX(b64)) FROM all_types WHERE id = 1"))
                .containsExactly("-12:34:56.789012|-00:00:00.01|-00:00:01.0001|0000-00-00|0000-00-00 00:00:00|0000"
                        + "|18446744073709551615|FFFFFFFFFFFFFFFF");
        assertThat(listener.unsupported).isEmpty();
    }

    private static String bulkInsert(int from, int to) {
        StringBuilder sb = new StringBuilder("INSERT INTO all_types (" + COLUMNS + ") VALUES ");
        for (int i = from; i <= to; i++) {
            sb.append(i == from ? "" : ", ").append("(").append(i).append(", ").append(i % 256).append(", ").append(-(i % 128))
                    .append(", ").append(i * 300).append(", ").append(i * 80_000).append(", ").append(-i).append(", ").append(i * 20_000_000L)
                    .append(", ").append(i).append(", ").append(Long.toUnsignedString(-i)).append(", ").append(i * 1_000_000_007L)
                    .append(", ").append(i / 7.0).append(", ").append(i / 3.0).append(", ").append(i).append(".5, ").append(i % 999)
                    .append(", b'1', ").append(i % 1024).append(", ").append(i).append(", 'ñ").append(i).append("', 'à").append(i)
                    .append("', 'c").append(i).append("', 'ç', x'").append("%08x".formatted(i)).append("', x'ab").append("%02x".formatted(i % 256))
                    .append("', REPEAT(x'00ff', ").append(i).append("), REPEAT('ü', ").append(i).append("), REPEAT('é', ").append(i)
                    .append("), '{\"n\": ").append(i).append("}', DATE_ADD('2000-01-01', INTERVAL ").append(i).append(" DAY),")
                    .append(" DATE_ADD('2000-01-01', INTERVAL ").append(i).append(" HOUR), DATE_ADD('2000-01-01', INTERVAL ").append(i)
                    .append(" MICROSECOND), '2001-01-01', FROM_UNIXTIME(").append(i * 86_400).append("), FROM_UNIXTIME(").append(i)
                    .append(".25), SEC_TO_TIME(").append(-i * 37).append("), SEC_TO_TIME(").append(i).append(".123456), '00:00:01.5',")
                    .append(" '-00:00:00.0001', ").append(1901 + i % 200).append(", ").append(1 + i % 3).append(", ").append(i % 8).append(")");
        }
        return sb.toString();
    }

    @Test
    void rowEventsKeepApplyingAcrossDdlMidStream() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), w INT) ENGINE=InnoDB",
                "CREATE TABLE doomed (id INT PRIMARY KEY) ENGINE=InnoDB");
        var other = source.freshDatabase();
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)",
                "ALTER TABLE t ADD COLUMN extra VARCHAR(20) NOT NULL DEFAULT 'd' AFTER id",
                "INSERT INTO t VALUES (3, 'x', 'c', 3)",
                "UPDATE t SET extra = 'e', w = w + 10 WHERE id <= 2",
                "ALTER TABLE t DROP COLUMN v",
                "INSERT INTO t VALUES (4, 'y', 4)",
                "CREATE INDEX ix_extra ON t (extra)",
                "CREATE TABLE t2 (id INT PRIMARY KEY, note TEXT) ENGINE=InnoDB",
                "INSERT INTO t2 VALUES (1, 'one'), (2, 'two')",
                "RENAME TABLE t2 TO t3",
                "INSERT INTO t3 VALUES (3, 'three')",
                "UPDATE t3 SET note = 'uno' WHERE id = 1",
                "DROP TABLE doomed",
                "CREATE TABLE temp_like (id INT PRIMARY KEY)",
                "DROP TABLE temp_like",
                "CREATE VIEW v_t AS SELECT id, extra FROM t",
                "CREATE TABLE `" + other.name() + "`.elsewhere (id INT PRIMARY KEY)",
                "DELETE FROM t WHERE id = 2");
        other.execute("INSERT INTO elsewhere VALUES (1)", "ALTER TABLE elsewhere ADD COLUMN z INT");

        runToHead(f, f.open("ddl-job", start));

        assertThat(f.destinationCreateTable("t")).isEqualTo(f.sourceCreateTable("t"));
        assertThat(f.destinationCreateTable("t3")).isEqualTo(f.sourceCreateTable("t3"));
        f.assertSameContent("t", "t3");
        assertThat(f.destinationStrings("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                + " ORDER BY TABLE_NAME")).containsExactly("t", "t3", "v_t");
        assertThat(f.destinationLong("SELECT COUNT(*) FROM v_t")).isEqualTo(3);
    }

    @Test
    void aDdlStatementTheDestinationRefusesStopsReplicationNamingIt() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY)");
        f.onDestination("CREATE INDEX ix ON t (id)");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1)", "CREATE INDEX ix ON t (id)", "INSERT INTO t VALUES (2)");

        assertThatThrownBy(() -> runToHead(f, f.open("ddl-fail-job", start)))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("CREATE INDEX ix ON t (id)")
                .hasMessageContaining("Duplicate key name");
        assertThat(f.destinationLong("SELECT COUNT(*) FROM t")).isEqualTo(1);
    }

    @Test
    void aDdlPendingWhenTheLastRunStoppedIsReplayedToleratingWhatItHadDone() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY)");
        BinlogPosition start = f.sourceHead();
        f.onSource("CREATE INDEX ix ON t (id)");
        BinlogPosition afterDdl = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1)");
        f.onDestination("CREATE INDEX ix ON t (id)");
        try (Connection c = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
            ProgressTable.ensure(c);
            ProgressTable.writePending(c, "pending-job", f.database, List.of(0), 0, start, afterDdl.text());
        }

        runToHead(f, f.open("pending-job", start));

        f.assertSameContent("t");
        assertThat(f.destinationCreateTable("t")).isEqualTo(f.sourceCreateTable("t"));
        assertThat(f.destinationStrings("SELECT DISTINCT COALESCE(pending_ddl, 'none') FROM ferry.replication_progress"
                + " WHERE job = 'pending-job'")).containsExactly("none");
    }

    @Test
    void aProgressTableOfAnOlderFerryIsMigratedAndItsRowResumesAsPartitionZero() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1, 1)");
        BinlogPosition applied = f.sourceHead();
        f.onDestination("INSERT INTO t VALUES (1, 1)");
        f.onSource("INSERT INTO t VALUES (2, 2)", "UPDATE t SET v = 10 WHERE id = 1");
        // The bookkeeping as an older Ferry left it: one row per job and database.
        f.onDestination("DROP TABLE IF EXISTS ferry.replication_progress", "CREATE DATABASE IF NOT EXISTS ferry",
                "CREATE TABLE ferry.replication_progress (job VARCHAR(190) NOT NULL, database_name VARCHAR(64) NOT NULL,"
                        + " binlog_file VARCHAR(255) NOT NULL, binlog_pos BIGINT UNSIGNED NOT NULL, gtids TEXT NOT NULL,"
                        + " commit_time DATETIME(6) NULL, pending_ddl TEXT NULL, updated TIMESTAMP(6) NOT NULL DEFAULT"
                        + " CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (job, database_name)) ENGINE=InnoDB",
                "INSERT INTO ferry.replication_progress (job, database_name, binlog_file, binlog_pos, gtids) VALUES ('legacy-job', '"
                        + f.database + "', '" + applied.file() + "', " + applied.offset() + ", '" + applied.gtids() + "')");

        var listener = runToHead(f, f.open("legacy-job", start));

        f.assertSameContent("t");
        assertThat(listener.rows.get()).as("only what came after the recorded position").isEqualTo(2);
        assertThat(f.destinationStrings("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'ferry'"
                + " AND TABLE_NAME = 'replication_progress' AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION"))
                .containsExactly("job", "database_name", "part");
        assertThat(f.destinationLong("SELECT COUNT(*) FROM ferry.replication_progress WHERE job = 'legacy-job'"
                + " AND partial_txn IS NULL AND partial_ordinal = 0")).isEqualTo(f.request("legacy-job", start)
                        .effectiveApplyPartitions(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void anInterruptedRunResumesWithoutLosingOrRepeatingAnything() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE acct (id INT PRIMARY KEY, bal BIGINT NOT NULL, note VARCHAR(40)) ENGINE=InnoDB",
                "CREATE TABLE journal (id INT, msg VARCHAR(40)) ENGINE=InnoDB",
                "CREATE TABLE flat (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
                "INSERT INTO acct SELECT seq, 0, NULL FROM seq_1_to_50");
        BinlogPosition start = f.sourceHead();
        Future<?> writer = executor.submit(() -> writeWorkload(f, 1, 3_000));
        var first = new RecordingListener();
        MySqlReplication replication = f.open("crash-job", start);
        Future<?> run = executor.submit(() -> {
            replication.run(first);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> first.rows.get() > 1_500);

        run.cancel(true);
        assertThatThrownBy(run::get).isInstanceOf(java.util.concurrent.CancellationException.class);
        writer.get();
        var second = runToHead(f, f.open("crash-job", start));

        assertThat(first.rows.get()).isPositive();
        assertThat(second.rows.get()).isPositive();
        assertThat(f.source.queryLong("SELECT COUNT(*) FROM journal")).isEqualTo(3_000);
        f.assertSameContent("acct", "journal", "flat");
    }

    private static Void writeWorkload(ReplicationFixture f, int from, int to) throws Exception {
        try (Connection c = f.source.open()) {
            c.setAutoCommit(false);
            try (PreparedStatement journal = c.prepareStatement("INSERT INTO journal VALUES (?, ?)");
                    PreparedStatement acct = c.prepareStatement("UPDATE acct SET bal = bal + ?, note = ? WHERE id = ?");
                    PreparedStatement flat = c.prepareStatement("REPLACE INTO flat VALUES (?, ?)");
                    Statement st = c.createStatement()) {
                for (int i = from; i <= to; i++) {
                    journal.setInt(1, i);
                    journal.setString(2, "entry " + i);
                    journal.executeUpdate();
                    acct.setInt(1, i);
                    acct.setString(2, "n" + i);
                    acct.setInt(3, 1 + i % 50);
                    acct.executeUpdate();
                    c.commit();
                    flat.setInt(1, i % 400);
                    flat.setInt(2, i);
                    flat.executeUpdate();
                    c.commit();
                    if (i % 100 == 0) {
                        st.executeUpdate("DELETE FROM journal WHERE id = " + (i - 50));
                        st.executeUpdate("INSERT INTO journal VALUES (" + (i - 50) + ", 'again')");
                        c.commit();
                    }
                }
            }
        }
        return null;
    }

    @Test
    void aKilledBinlogConnectionIsReopenedFromTheAppliedPosition() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE acct (id INT PRIMARY KEY, bal BIGINT NOT NULL, note VARCHAR(40)) ENGINE=InnoDB",
                "CREATE TABLE journal (id INT, msg VARCHAR(40)) ENGINE=InnoDB",
                "CREATE TABLE flat (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
                "INSERT INTO acct SELECT seq, 0, NULL FROM seq_1_to_50");
        BinlogPosition head = f.sourceHead();
        BinlogPosition start = new BinlogPosition(head.file(), head.offset(), "");
        var listener = new RecordingListener();
        var faults = new CopyOnWriteArrayList<String>();
        var recoveries = new AtomicInteger();
        FaultListener health = new FaultListener() {
            @Override
            public void faulted(int attempt, String error, Duration retryIn) {
                faults.add(error);
            }

            @Override
            public void recovered() {
                recoveries.incrementAndGet();
            }
        };
        // As the job runs it: the retrier runs the replication again after a lost stream, from the applied position.
        var retrier = new Retrier(new FaultBudget(Duration.ofMinutes(1), Clock.systemUTC()), Backoff.DEFAULT,
                MySqlFailures::classify, Clock.systemUTC(), new Random(1));
        MySqlReplication replication = f.open("reconnect-job", start);
        Future<?> run = executor.submit(() -> {
            retrier.runLong("replication", health, healthy -> replication.run(new RecordingListener.Delegate(listener, healthy)));
            return null;
        });
        writeWorkload(f, 1, 500);
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.rows.get() > 0 && dumpThreads(f).size() == 1);
        long killed = dumpThreads(f).getFirst();
        f.source.execute("KILL " + killed);
        writeWorkload(f, 501, 1_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> !dumpThreads(f).isEmpty() && !dumpThreads(f).contains(killed));
        replication.stopAt(replication.sourceHead());
        run.get();

        f.assertSameContent("acct", "journal", "flat");
        assertThat(f.source.queryLong("SELECT COUNT(*) FROM journal")).isEqualTo(1_000);
        assertThat(faults).singleElement().asString().contains("binlog connection", "was lost");
        assertThat(recoveries).hasValue(1);
    }

    private static List<Long> dumpThreads(ReplicationFixture f) {
        List<Long> ids = new ArrayList<>();
        for (List<Object> row : f.source.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")) {
            ids.add(((Number) row.getFirst()).longValue());
        }
        return ids;
    }

    @Test
    void lagFallsToZeroOnceTheSourceIsIdle() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        BinlogPosition start = f.sourceHead();
        var listener = new RecordingListener();
        MySqlReplication replication = f.open("lag-job", start);
        Future<?> run = executor.submit(() -> {
            replication.run(listener);
            return null;
        });
        f.onSource("INSERT INTO t SELECT seq, seq FROM seq_1_to_2000", "UPDATE t SET v = v + 1");

        await().atMost(Duration.ofSeconds(30)).until(() -> listener.rows.get() == 4_000 && listener.lagReports.get() > 1
                && Duration.ZERO.equals(listener.lag.get()) && listener.lagBytes.get() == 0);
        replication.stopAt(replication.sourceHead());
        run.get();

        assertThat(replication.applied()).isEqualTo(listener.last.get());
        f.assertSameContent("t");
    }

    @Test
    void finishingRaisesAutoIncrementCountersAndRemovesTheBookkeeping() throws Exception {
        var f = ReplicationFixture.create(source, destination,
                "CREATE TABLE seqd (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO seqd (v) VALUES (1), (2), (3)",
                "START TRANSACTION", "INSERT INTO seqd (v) VALUES (4), (5), (6), (7), (8)", "ROLLBACK");
        runToHead(f, f.open("finish-job", start));
        assertThat(f.destinationLong("SELECT COUNT(*) FROM ferry.replication_progress WHERE job = 'finish-job'"))
                .as("a row per apply partition").isEqualTo(f.request("finish-job", start)
                        .effectiveApplyPartitions(Runtime.getRuntime().availableProcessors()));

        ENGINE.finishReplication(f.request("finish-job", start));

        assertThat(f.destinationLong("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                + " AND TABLE_NAME = 'seqd'")).isGreaterThanOrEqualTo(9);
        boolean ferryLeft = f.destinationLong("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ferry'") > 0;
        if (ferryLeft) {
            assertThat(f.destinationLong("SELECT COUNT(*) FROM ferry.replication_progress WHERE job = 'finish-job'")).isZero();
            assertThat(f.destinationLong("SELECT COUNT(*) FROM ferry.replication_progress")).isPositive();
        }
        ENGINE.finishReplication(f.request("finish-job", start));
    }

    @Test
    void changesToATableCopiedAtALaterPositionAreSkippedUpToIt() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                "CREATE TABLE u (id INT PRIMARY KEY)");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO t VALUES (1, 'early')", "INSERT INTO u VALUES (1)", "UPDATE t SET v = 'copied' WHERE id = 1");
        BinlogPosition copied = f.sourceHead();
        f.onDestination("INSERT INTO t VALUES (1, 'copied')");
        f.onSource("INSERT INTO t VALUES (2, 'late')", "UPDATE t SET v = 'after' WHERE id = 1");
        var request = new ReplicationRequest("copied-job", f.database, f.source.connection(), f.destination, start,
                Map.of(new TableRef(f.database, "t"), copied));

        var replication = MySqlReplication.open(request, ReplicationFixture.CONNECTOR, Clock.systemUTC());
        var listener = new RecordingListener();
        replication.stopAt(replication.sourceHead());
        replication.run(listener);

        f.assertSameContent("t", "u");
        assertThat(f.destinationStrings("SELECT v FROM t ORDER BY id")).containsExactly("after", "late");
    }

    @Test
    void demotionMakesTheServerReadOnlyAndRestoreUndoesItExactly() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY)");
        assertThat(f.destinationLong("SELECT @@GLOBAL.read_only")).isZero();

        String record = ENGINE.demoteDestination(destination.superuser(), List.of(f.database));
        try {
            assertThat(f.destinationLong("SELECT @@GLOBAL.read_only")).isEqualTo(1);
            f.onDestination("INSERT INTO t VALUES (1)");
        } finally {
            ENGINE.restoreDestination(destination.superuser(), record);
        }

        assertThat(record).isEqualTo("read_only=0");
        assertThat(f.destinationLong("SELECT @@GLOBAL.read_only")).isZero();
        assertThat(f.destinationLong("SELECT COUNT(*) FROM t")).isEqualTo(1);
    }

    @Test
    void aStartInAPurgedBinlogIsAFailedPreconditionNamingTheFile() {
        var f = ReplicationFixture.create(source, destination);
        BinlogPosition gone = new BinlogPosition("mysql-bin.000000", 4, "");

        assertThatThrownBy(() -> f.open("purged-job", gone))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("binlog mysql-bin.000000 is no longer on the source")
                .hasMessageContaining("restart the job");
    }

    /** Runs to the source's head as it is now, on this thread, and returns what the listener heard. */
    static RecordingListener runToHead(ReplicationFixture f, MySqlReplication replication) throws InterruptedException {
        var listener = new RecordingListener();
        replication.stopAt(replication.sourceHead());
        replication.run(listener);
        return listener;
    }
}
