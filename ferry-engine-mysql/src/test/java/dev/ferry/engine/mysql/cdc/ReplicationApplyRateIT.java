package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.engine.mysql.MySqlEngine;
import dev.ferry.testkit.LocalMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sysbench-like write workload (oltp_write_only: two updates, a delete and an insert per transaction,
 * plus one bulk update) replicated through the engine's SPI; logs the apply rate, asserts only equality.
 */
@Timeout(120)
class ReplicationApplyRateIT {
    private static final Logger log = LoggerFactory.getLogger(ReplicationApplyRateIT.class);
    private static final int TABLE_ROWS = 10_000;
    private static final int TRANSACTIONS = 2_500;

    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    void aSysbenchLikeWorkloadArrivesIdenticalAndItsApplyRateIsLogged() throws Exception {
        var f = ReplicationFixture.create(source, destination, """
                CREATE TABLE sbtest1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0,
                  c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k)) ENGINE=InnoDB""",
                "INSERT INTO sbtest1 (id, k, c, pad) SELECT seq, seq % 1000, REPEAT(CHAR(97 + seq % 26), 119), REPEAT('p', 59)"
                        + " FROM seq_1_to_" + TABLE_ROWS);
        BinlogPosition start = f.sourceHead();
        writeWorkload(f);
        Engine engine = new MySqlEngine(Clock.systemUTC());
        var listener = new RecordingListener();

        long began = System.nanoTime();
        try (Replication replication = engine.openReplication(f.request("sysbench-job", start))) {
            replication.stopAt(replication.sourceHead());
            replication.run(listener);
        }
        double seconds = (System.nanoTime() - began) / 1e9;

        log.atInfo().addKeyValue("rows", listener.rows.get()).addKeyValue("seconds", "%.2f".formatted(seconds))
                .addKeyValue("rowsPerSecond", Math.round(listener.rows.get() / seconds))
                .addKeyValue("destinationCommits", listener.commits.get()).log("sysbench-like apply rate");
        assertThat(listener.rows.get()).isEqualTo(4L * TRANSACTIONS + TABLE_ROWS);
        f.assertSameContent("sbtest1");
        assertThat(engine.countRows(f.destination, f.database, List.of(new TableRef(f.database, "sbtest1"))))
                .containsValue((long) TABLE_ROWS);
    }

    private static void writeWorkload(ReplicationFixture f) throws Exception {
        var random = new Random(42);
        try (Connection c = f.source.open()) {
            c.setAutoCommit(false);
            try (PreparedStatement index = c.prepareStatement("UPDATE sbtest1 SET k = k + 1 WHERE id = ?");
                    PreparedStatement nonIndex = c.prepareStatement("UPDATE sbtest1 SET c = ? WHERE id = ?");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM sbtest1 WHERE id = ?");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)");
                    Statement bulk = c.createStatement()) {
                for (int i = 0; i < TRANSACTIONS; i++) {
                    int id = 1 + random.nextInt(TABLE_ROWS);
                    index.setInt(1, 1 + random.nextInt(TABLE_ROWS));
                    index.executeUpdate();
                    nonIndex.setString(1, Long.toString(random.nextLong()).repeat(5));
                    nonIndex.setInt(2, 1 + random.nextInt(TABLE_ROWS));
                    nonIndex.executeUpdate();
                    delete.setInt(1, id);
                    delete.executeUpdate();
                    insert.setInt(1, id);
                    insert.setInt(2, random.nextInt(1000));
                    insert.setString(3, "c" + i);
                    insert.setString(4, "pad" + i);
                    insert.executeUpdate();
                    c.commit();
                }
                bulk.executeUpdate("UPDATE sbtest1 SET k = k + 1");
                c.commit();
            }
        }
    }
}
