package dev.ferry.engine.mysql.cdc;

import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.testkit.LocalMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScratchBatchIT {
    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    void measure() throws Exception {
        var db = destination.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, k INT, KEY (k))", "INSERT INTO t SELECT seq, seq FROM seq_1_to_10000");
        try (Connection c = ReplicationFixture.CONNECTOR.open(db.connection(), db.name(), MySqlConnector.Role.DESTINATION)) {
            Sql.execute(c, "SET SESSION sql_log_bin = 0");
            c.setAutoCommit(false);
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("UPDATE t SET k = ? WHERE id = ?")) {
                    for (int i = 1; i <= 10000; i++) {
                        ps.setInt(1, i + round);
                        ps.setInt(2, i);
                        ps.addBatch();
                        if (i % 1000 == 0) {
                            ps.executeBatch();
                        }
                    }
                }
                c.commit();
                long t1 = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("UPDATE t SET k = ? WHERE id = ?")) {
                    for (int i = 1; i <= 10000; i++) {
                        ps.setInt(1, i + round + 7);
                        ps.setInt(2, i);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                long t2 = System.nanoTime();
                System.err.printf("batch %d ms, single %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
            }
        }
    }
}
