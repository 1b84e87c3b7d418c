package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Position;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.engine.postgres.cdc.ReplicationNames;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** A continuous job's snapshot is tied to its slot: nothing between them is lost or copied twice. */
@Timeout(120)
class PgContinuousSnapshotIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final Engine engine = new PostgresEngineProvider().create();

    @Test
    void theSnapshotEndsWhereTheNewSlotStartsAndLaterRowsAreOnlyInTheSlot() {
        var source = sourceWithRows();
        source.execute("CREATE PUBLICATION users_own FOR TABLE t");
        String job = "cont-" + source.name().replace('_', '-');
        String slot = ReplicationNames.slot(job, source.name());
        String publication = ReplicationNames.publication(job);
        engine.createDatabase(source.connection(), dest.superuser(), source.name());
        DatabaseConnection d = dest.superuser().withDatabase(source.name());

        Position start;
        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(job, false))) {
            start = snapshot.replicationStart().orElseThrow();
            // durably: logical decoding reads only flushed WAL, and the test server commits asynchronously
            source.execute("SET synchronous_commit = on; INSERT INTO t SELECT g, 'late' FROM generate_series(1001, 1010) g");
            snapshot.copySchemaBefore(d);
            snapshot.copyTable(snapshot.tables().getFirst(), d, CopyProgress.NONE);
            snapshot.copySchemaAfter(d);
        }

        assertThat(source.query("SELECT confirmed_flush_lsn::text, plugin, temporary FROM pg_replication_slots "
                + "WHERE slot_name = '" + slot + "'")).containsExactly(List.of(lsn(start), "pgoutput", false));
        assertThat(source.queryLong("SELECT count(*) FROM pg_publication WHERE puballtables AND pubname = '"
                + publication + "'")).isEqualTo(1);
        assertThat(Sql.value(d, "SELECT count(*) FROM t")).isEqualTo(1000L);
        assertThat(Sql.query(d, "SELECT pubname FROM pg_publication")).as("the job's publication stays on the source")
                .containsExactly(List.of("users_own"));
        assertThat(source.queryLong("SELECT count(*) FROM pg_logical_slot_peek_binary_changes('" + slot + "', NULL, NULL, "
                + "'proto_version', '1', 'publication_names', '" + publication + "') WHERE get_byte(data, 0) = 73"))
                .as("inserts after the snapshot, in the slot").isEqualTo(10);

        engine.dropReplication(source.connection(), source.name(), job);
        engine.dropReplication(source.connection(), source.name(), job);

        assertThat(source.queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).isZero();
        assertThat(source.queryLong("SELECT count(*) FROM pg_publication WHERE pubname = '" + publication + "'")).isZero();
    }

    @Test
    void aResumedLoadReadsAFreshSnapshotFromATemporarySlotAndKeepsTheJobsSlot() {
        var source = sourceWithRows();
        String job = "resume-" + source.name().replace('_', '-');
        String slot = ReplicationNames.slot(job, source.name());
        Position first;
        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(job, false))) {
            first = snapshot.replicationStart().orElseThrow();
        }
        source.execute("INSERT INTO t SELECT g, 'between' FROM generate_series(1001, 1005) g");
        String slots = "SELECT count(*) FILTER (WHERE NOT temporary), count(*) FILTER (WHERE temporary) "
                + "FROM pg_replication_slots WHERE database = current_database()";

        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(job, true))) {
            Position again = snapshot.replicationStart().orElseThrow();
            assertThat(((Position.PgLsn) again).value()).isGreaterThan(((Position.PgLsn) first).value());
            assertThat(source.query(slots)).containsExactly(List.of(1L, 1L));
            assertThat(snapshot.tables().getFirst().ref().table()).isEqualTo("t");
        }

        assertThat(source.query(slots)).containsExactly(List.of(1L, 0L));
        assertThat(source.query("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'")).containsExactly(List.of(lsn(first)));
        engine.dropReplication(source.connection(), source.name(), job);
        assertThat(source.queryLong("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isZero();
    }

    @Test
    void droppingReplicationEndsAWalSenderStillStreamingFromTheSlot() throws Exception {
        var source = sourceWithRows();
        String job = "busy-" + source.name().replace('_', '-');
        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(job, false))) {
            assertThat(snapshot.replicationStart()).isPresent();
        }
        try (Connection c = replicationConnection(source);
                PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                        .logical().withSlotName(ReplicationNames.slot(job, source.name()))
                        .withSlotOption("proto_version", "1")
                        .withSlotOption("publication_names", ReplicationNames.publication(job)).start()) {
            assertThat(stream.isClosed()).isFalse();
            assertThat(source.queryLong("SELECT count(*) FROM pg_replication_slots WHERE active "
                    + "AND database = current_database()")).isEqualTo(1);

            engine.dropReplication(source.connection(), source.name(), job);

            assertThat(source.queryLong("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .isZero();
        } catch (SQLException expected) {
            // The stream's server process was ended; closing it reports that.
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static TestDatabase sourceWithRows() {
        var source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        return source;
    }

    private static Engine.SnapshotOptions options(String job, boolean resuming) {
        return new Engine.SnapshotOptions(job, new ObjectSelection(ObjectsConfig.ALL), true, resuming, 2);
    }

    private static String lsn(Position position) {
        return ((Position.PgLsn) position).lsn();
    }

    private static Connection replicationConnection(TestDatabase db) throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, db.connection().username());
        PGProperty.PASSWORD.set(props, db.connection().password().reveal());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        return DriverManager.getConnection(db.jdbcUrl(), props);
    }
}
