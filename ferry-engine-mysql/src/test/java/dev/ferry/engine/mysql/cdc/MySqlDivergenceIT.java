package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.testkit.LocalMariaDb;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, "never diverge silently": a replicated row change that does not fit the destination stops replication
 * with DIVERGED (naming database, table, primary key and binlog position, never other values), or is recorded under
 * onDivergence: RECORD with the destination taking the source's row; changes inside a table's copy window are not
 * checked, and non-transactional tables stay idempotent.
 */
@Timeout(90)
class MySqlDivergenceIT {
    private static final ReliabilityConfig RECORD = new ReliabilityConfig(null, null, null, null, DivergencePolicy.RECORD,
            null, null);
    private static final String ACCT = "CREATE TABLE acct (id INT PRIMARY KEY, secret VARCHAR(40)) ENGINE=InnoDB";

    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    void anUpdateOfARowDeletedBehindFerrysBackFailsWithDivergedNamingTableKeyAndPosition() {
        var f = ReplicationFixture.create(source, destination, ACCT, "INSERT INTO acct VALUES (1, 'one'), (2, 'two')");
        BinlogPosition start = f.sourceHead();
        f.onDestination("DELETE FROM acct WHERE id = 2");
        f.onSource("INSERT INTO acct VALUES (3, 'three')", "UPDATE acct SET secret = 'hush-hush' WHERE id = 2");

        // One apply partition, so that one destination transaction holds both changes (partitions commit on their own).
        assertThatThrownBy(() -> run(f, request(f, start, ReliabilityConfig.DEFAULT).withApplyPartitions(1))).isInstanceOfSatisfying(FerryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
            assertThat(e.getMessage()).contains("database " + f.database, "table " + f.database + ".acct", "UPDATE",
                    "found no row", "key (id)=(2)", "source position binlog ", "onDivergence", "RECORD")
                    .doesNotContain("hush-hush", "two");
        });
        assertThat(f.destinationLong("SELECT COUNT(*) FROM acct")).as("the batch was rolled back").isEqualTo(1);
    }

    @Test
    void anInsertOfAKeyInsertedBehindFerrysBackFailsNamingThatKeyAmongItsBatch() {
        var f = ReplicationFixture.create(source, destination, ACCT);
        BinlogPosition start = f.sourceHead();
        f.onDestination("INSERT INTO acct VALUES (7, 'planted')");
        f.onSource("INSERT INTO acct VALUES (5, 'five'), (6, 'six'), (7, 'from the source'), (8, 'eight')");

        // One apply partition, so that one destination transaction holds the whole batch (partitions commit on their own).
        assertThatThrownBy(() -> run(f, request(f, start, ReliabilityConfig.DEFAULT).withApplyPartitions(1))).isInstanceOfSatisfying(FerryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
            assertThat(e.getMessage()).contains("table " + f.database + ".acct", "INSERT", "already exists", "key (id)=(7)",
                    "binlog ").doesNotContain("planted", "from the source", "(id)=(5)");
        });
        assertThat(f.destinationStrings("SELECT secret FROM acct")).containsExactly("planted");
    }

    @Test
    void aDeleteOfAMissingRowWithoutPrimaryKeyFailsWithoutShowingItsValues() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE loose (a INT, note VARCHAR(20)) ENGINE=InnoDB",
                "INSERT INTO loose VALUES (1, 'private')");
        BinlogPosition start = f.sourceHead();
        f.onDestination("DELETE FROM loose");
        f.onSource("DELETE FROM loose WHERE a = 1");

        assertThatThrownBy(() -> run(f, request(f, start, ReliabilityConfig.DEFAULT))).isInstanceOfSatisfying(FerryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
            assertThat(e.getMessage()).contains("loose", "DELETE", "without a primary key").doesNotContain("private");
        });
    }

    @Test
    void underRecordReplicationGoesOnReportsAndTheDestinationTakesTheSourcesRows() throws Exception {
        var f = ReplicationFixture.create(source, destination, ACCT,
                "INSERT INTO acct VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four'), (5, 'five')");
        BinlogPosition start = f.sourceHead();
        f.onDestination("DELETE FROM acct WHERE id IN (2, 3, 4)", "INSERT INTO acct VALUES (7, 'planted')");
        f.onSource("UPDATE acct SET secret = 'new two' WHERE id = 2",
                "INSERT INTO acct VALUES (6, 'six'), (7, 'source seven'), (8, 'eight')",
                "DELETE FROM acct WHERE id = 3",
                "UPDATE acct SET id = 40 WHERE id = 4",
                "UPDATE acct SET secret = 'still fine' WHERE id = 5");

        var listener = run(f, request(f, start, RECORD));

        assertThat(listener.diverged).hasSize(4)
                .anySatisfy(d -> assertThat(d).contains("acct", "UPDATE", "(id)=(2)", "new row was inserted"))
                .anySatisfy(d -> assertThat(d).contains("INSERT", "(id)=(7)", "replaced by the source's rows"))
                .anySatisfy(d -> assertThat(d).contains("DELETE", "(id)=(3)"))
                .anySatisfy(d -> assertThat(d).contains("UPDATE", "(id)=(4)"));
        f.assertSameContent("acct");
    }

    @Test
    void changesInsideATablesCopyWindowAreNotChecked() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE late (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB");
        BinlogPosition start = f.sourceHead();
        f.onSource("INSERT INTO late VALUES (1, 'a'), (2, 'b')", "DELETE FROM late WHERE id = 2", "UPDATE late SET v = 'a2' WHERE id = 1");
        BinlogPosition copied = f.sourceHead();
        // The later copy holds the table as it was at that point: row 1 updated, row 2 gone.
        f.onDestination("INSERT INTO late VALUES (1, 'a2')");
        f.onSource("UPDATE late SET v = 'a3' WHERE id = 1", "INSERT INTO late VALUES (3, 'c')");
        var request = new ReplicationRequest("window-job", f.database, f.source.connection(), f.destination, start,
                Map.of(new TableRef(f.database, "late"), copied));

        var listener = run(f, request);

        assertThat(listener.diverged).isEmpty();
        f.assertSameContent("late");
    }

    @Test
    void aNonTransactionalTableStaysIdempotentAsARestartReappliesItsLastChanges() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE plain (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=MyISAM",
                "INSERT INTO plain VALUES (1, 'a'), (2, 'b')");
        BinlogPosition start = f.sourceHead();
        // As a run that stopped after writing these (MyISAM keeps them) but before recording its position leaves it.
        f.onDestination("DELETE FROM plain WHERE id = 2", "INSERT INTO plain VALUES (3, 'c')");
        f.onSource("DELETE FROM plain WHERE id = 2", "INSERT INTO plain VALUES (3, 'c')", "UPDATE plain SET v = 'a2' WHERE id = 1");

        var listener = run(f, request(f, start, ReliabilityConfig.DEFAULT));

        assertThat(listener.diverged).isEmpty();
        f.assertSameContent("plain");
    }

    private static ReplicationRequest request(ReplicationFixture f, BinlogPosition start, ReliabilityConfig reliability) {
        return new ReplicationRequest("diverge-job", f.database, f.source.connection(), f.destination, start, Map.of(), reliability);
    }

    private static RecordingListener run(ReplicationFixture f, ReplicationRequest request) throws InterruptedException {
        var replication = MySqlReplication.open(request, ReplicationFixture.CONNECTOR, Clock.systemUTC());
        var listener = new RecordingListener();
        replication.stopAt(replication.sourceHead());
        replication.run(listener);
        return listener;
    }
}
