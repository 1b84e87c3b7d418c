package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A CONTINUOUS MariaDB job under a concurrent writer and DDL, through promotion, then equality. */
class ContinuousMariaDbMigrationIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    private static Thread writer(TestDatabase db, AtomicBoolean stop, AtomicLong writes) {
        return Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO account (owner, balance, note) VALUES (?, ?, ?)");
                    PreparedStatement update = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM account WHERE id = ?")) {
                var random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    int op = random.nextInt(10);
                    long id = 1 + random.nextLong(2000);
                    if (op < 4) {
                        insert.setString(1, "Zoë " + id);
                        insert.setBigDecimal(2, java.math.BigDecimal.valueOf(id, 2));
                        insert.setBytes(3, new byte[] {(byte) id, (byte) 0xff, 0});
                        insert.executeUpdate();
                    } else if (op < 9) {
                        update.setLong(1, random.nextLong(100));
                        update.setLong(2, id);
                        update.executeUpdate();
                    } else {
                        delete.setLong(1, id);
                        delete.executeUpdate();
                    }
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static List<String> checksum(DatabaseConnection server, String database, String table) throws Exception {
        try (var c = Sql.connect(server, database); var s = c.createStatement();
                var rs = s.executeQuery("CHECKSUM TABLE `" + table + "` EXTENDED")) {
            rs.next();
            return List.of(rs.getString(2), Sql.one(server, database, "SELECT COUNT(*) FROM `" + table + "`"));
        }
    }

    @Test
    @Timeout(300)
    void continuousJobFollowsWritesAndSchemaChangesAndPromotesToAnIdenticalDestination() throws Exception {
        TestDatabase bank = source.freshDatabase();
        bank.execute("CREATE TABLE account (id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(40) CHARACTER SET utf8mb4, "
                        + "balance DECIMAL(14,2), note VARBINARY(16))",
                "INSERT INTO account (owner, balance, note) SELECT concat('o', seq), seq, unhex(hex(seq)) FROM seq_1_to_2000",
                "CREATE TABLE audit_log (id INT AUTO_INCREMENT PRIMARY KEY, account_id INT)",
                "CREATE TRIGGER account_audit AFTER INSERT ON account FOR EACH ROW "
                        + "INSERT INTO audit_log (account_id) VALUES (NEW.id)");
        ferry.profile("src", bank.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("follow-maria", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = writer(bank, stop, writes);

        ferry.control().jobs().start("follow-maria", false, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var job = ferry.control().jobs().get("follow-maria");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
        long before = writes.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > before + 300);
        bank.execute("ALTER TABLE account ADD COLUMN flag TINYINT DEFAULT 1", "CREATE TABLE extra (k INT PRIMARY KEY)",
                "INSERT INTO extra VALUES (1), (2)", "RENAME TABLE extra TO extra_renamed");
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > before + 600);
        stop.set(true);
        writer.join();
        ferry.control().jobs().promote("follow-maria", null);
        var job = ferry.awaitJob("follow-maria", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(120));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        DatabaseConnection dst = destination.superuser();
        assertThat(Sql.one(dst, bank.name(), "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_NAME = 'account_audit'"))
                .as("the trigger arrives at promotion").isEqualTo("1");
        for (String table : List.of("account", "extra_renamed", "audit_log")) {
            assertThat(checksum(dst, bank.name(), table)).as(table).isEqualTo(checksum(bank.connection(), bank.name(), table));
        }
        assertThat(Sql.one(dst, "mysql", "SELECT @@global.read_only")).isEqualTo("0");
    }
}
