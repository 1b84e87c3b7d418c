package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.cdc.NetChanges.TableChanges;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.testkit.LocalMariaDb;
import java.io.Serializable;
import java.sql.Connection;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An apply session's set-based path against a real server: row counts are the rows found (a row that already holds the
 * new values counts), and a missing row or an existing key makes it answer false, not fail.
 */
@Timeout(60)
class ChangeApplierIT {
    private static final byte[] TYPES = {(byte) ColumnType.LONG.getCode(), (byte) ColumnType.LONG.getCode()};

    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    void aSetBasedUpdateCountsTheRowsItFindsEvenWhenTheyAlreadyHoldTheNewValues() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        f.onDestination("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
        TableDef t = table(f, "t");

        try (ChangeApplier session = session(f)) {
            boolean applied = session.applyNet(List.of(new TableChanges<>(t.ref(), List.of(), List.of(),
                    List.of(update(t, 1, 1, 1), update(t, 2, 2, 20)), List.of())));
            session.commit(Mark.at(new BinlogPosition("b.000001", 4, ""), null), List.of(0));

            assertThat(applied).isTrue();
        }
        assertThat(f.destinationStrings("SELECT v FROM t ORDER BY id")).containsExactly("1", "20", "3");
    }

    @Test
    void aMissingRowOrAnExistingKeyRefusesTheNetChangesWithoutFailing() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        f.onDestination("INSERT INTO t VALUES (1, 1)");
        TableDef t = table(f, "t");

        try (ChangeApplier session = session(f)) {
            assertThat(session.applyNet(List.of(new TableChanges<>(t.ref(), List.of(delete(t, 9)), List.of(), List.of(), List.of()))))
                    .isFalse();
            session.rollback();
            assertThat(session.applyNet(List.of(new TableChanges<>(t.ref(), List.of(), List.of(insert(t, 2), insert(t, 1)), List.of(),
                    List.of())))).isFalse();
            session.rollback();
            assertThat(session.applyNet(List.of(new TableChanges<>(t.ref(), List.of(), List.of(), List.of(update(t, 5, 5, 6)),
                    List.of())))).isFalse();
            session.rollback();
        }
        assertThat(f.destinationStrings("SELECT id FROM t")).containsExactly("1");
    }

    private static ChangeApplier session(ReplicationFixture f) {
        var sinks = BinlogChangeSinks.open(ReplicationFixture.CONNECTOR, f.destination, "applier-job", f.database,
                new DivergenceGate(DivergencePolicy.FAIL, new RecordingListener()), new BinlogPosition("b.000001", 4, ""),
                dev.ferry.core.spi.engine.Fence.NONE);
        return sinks.open(0);
    }

    private static TableDef table(ReplicationFixture f, String name) {
        try (Connection c = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
            return new DestinationCatalog(c, f.destination).table(new TableRef(f.database, name)).orElseThrow();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final BitSet ALL = BitSet.valueOf(new long[] {0b11});

    private static BinlogChange insert(TableDef t, int id) {
        return BinlogChange.of(t, TYPES, Op.INSERT, null, ALL, null, new Serializable[] {id, id}, "test");
    }

    private static BinlogChange update(TableDef t, int id, int from, int to) {
        return BinlogChange.of(t, TYPES, Op.UPDATE, ALL, ALL, new Serializable[] {id, from}, new Serializable[] {id, to}, "test");
    }

    private static BinlogChange delete(TableDef t, int id) {
        return BinlogChange.of(t, TYPES, Op.DELETE, ALL, null, new Serializable[] {id, id}, null, "test");
    }
}
