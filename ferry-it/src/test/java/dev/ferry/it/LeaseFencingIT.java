package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobLease;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.LeaseLost;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose lease of a job moved to another node in the shared store writes nothing more for the job: its table
 * copies (PostgreSQL and MariaDB), and its promotion (sequences, slot and publication) are refused with the store's
 * lease-lost refusal, checked against the real {@code job_leases} row right before each write.
 */
@Timeout(180)
class LeaseFencingIT {
    private static final String JOB = "fenced";

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres pgDestination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final LocalMariaDb maria = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb mariaDestination = LocalMariaDb.shared("destination");

    private TestDatabase storeDb;
    private JdbcStore store;

    @BeforeEach
    void openStore() throws Exception {
        storeDb = pg.freshDatabase();
        DatabaseConnection c = storeDb.connection();
        store = JdbcStore.open(new StoreConfig(Files.createTempDirectory("ferry-fencing"), storeDb.jdbcUrl(), c.username(),
                c.password()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** node-a holds the job's lease at epoch 3, as db-scheduler records it; returns the fence of node-a's runner. */
    private Fence leaseOfNodeA() throws Exception {
        storeDb.execute("INSERT INTO job_leases (task_name, task_instance, execution_time, picked, picked_by, last_heartbeat, "
                + "version) VALUES ('ferry-job', '" + JOB + "', now(), TRUE, 'node-a', now(), 3)");
        return store.fenced(new JobLease(JOB, "node-a", 3, Instant.now())).fence();
    }

    /** node-b takes the job over (node-a froze past its lease). */
    private void leaseMovesToNodeB() throws Exception {
        try (Connection c = storeDb.open()) {
            c.createStatement().executeUpdate("UPDATE job_leases SET picked_by = 'node-b', version = version + 1, "
                    + "last_heartbeat = now() WHERE task_instance = '" + JOB + "'");
        }
    }

    @Test
    void aPostgresTableCopyAfterTheLeaseMovedIsRefusedAndCommitsNothing() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE first (id int PRIMARY KEY, v text)", "CREATE TABLE second (id int PRIMARY KEY, v text)",
                "INSERT INTO first SELECT g, 'v' || g FROM generate_series(1, 20000) g",
                "INSERT INTO second SELECT g, 'v' || g FROM generate_series(1, 20000) g");
        DatabaseConnection destination = pgDestination.superuser();
        Sql.execute(destination, "postgres", "CREATE DATABASE " + source.name());
        copyOneThenLoseTheLease(EngineKind.POSTGRESQL, source, destination, "public");
        assertThat(Sql.one(destination, source.name(), "SELECT count(*) FROM first")).isEqualTo("20000");
        assertThat(Sql.one(destination, source.name(), "SELECT count(*) FROM second")).isEqualTo("0");
    }

    @Test
    void aMariaDbTableCopyAfterTheLeaseMovedIsRefusedAndCommitsNothing() throws Exception {
        TestDatabase source = maria.freshDatabase();
        source.execute("CREATE TABLE first (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
                "CREATE TABLE second (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
                "INSERT INTO first SELECT seq, CONCAT('v', seq) FROM seq_1_to_20000",
                "INSERT INTO second SELECT seq, CONCAT('v', seq) FROM seq_1_to_20000");
        DatabaseConnection destination = mariaDestination.superuser();
        Sql.execute(destination, "", "DROP DATABASE IF EXISTS `" + source.name() + "`", "CREATE DATABASE `" + source.name() + "`");
        copyOneThenLoseTheLease(EngineKind.MYSQL, source, destination, source.name());
        assertThat(Sql.one(destination, source.name(), "SELECT COUNT(*) FROM first")).isEqualTo("20000");
        assertThat(Sql.one(destination, source.name(), "SELECT COUNT(*) FROM second")).isEqualTo("0");
    }

    /** Copies the schema and table {@code first} under node-a's lease, then, once the lease moved, table {@code second}. */
    private void copyOneThenLoseTheLease(EngineKind kind, TestDatabase source, DatabaseConnection destination, String schema)
            throws Exception {
        Engine engine = EngineRegistry.load().get(kind);
        Fence fence = leaseOfNodeA();
        var options = new Engine.SnapshotOptions(JOB, new ObjectSelection(ObjectsConfig.ALL, kind), false, 2).withFence(fence);
        try (SourceSnapshot snapshot = engine.openSnapshot(source.connection(), source.name(), options)) {
            snapshot.copySchemaBefore(destination);
            TableInfo first = table(snapshot, new TableRef(schema, "first"));
            TableInfo second = table(snapshot, new TableRef(schema, "second"));
            assertThat(snapshot.copyTable(first, destination, CopyProgress.NONE).rows()).isEqualTo(20000);

            leaseMovesToNodeB();
            assertThatThrownBy(() -> snapshot.copyTable(second, destination, CopyProgress.NONE))
                    .satisfies(e -> assertThat(LeaseLost.in(e)).as("lease lost: %s", e).isTrue())
                    .hasStackTraceContaining("node node-b holds it now with epoch 4");
        }
    }

    private static TableInfo table(SourceSnapshot snapshot, TableRef ref) {
        return snapshot.tables().stream().filter(t -> t.ref().equals(ref)).findFirst().orElseThrow();
    }

    @Test
    void aPromotionAfterTheLeaseMovedIsRefusedAndLeavesSequencesSlotAndPublication() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE account (id serial PRIMARY KEY, v text)");
        DatabaseConnection destination = pgDestination.superuser();
        Sql.execute(destination, "postgres", "CREATE DATABASE " + source.name());
        Engine engine = EngineRegistry.load().get(EngineKind.POSTGRESQL);
        Fence fence = leaseOfNodeA();
        var options = new Engine.SnapshotOptions(JOB, new ObjectSelection(ObjectsConfig.ALL, EngineKind.POSTGRESQL), true, 1)
                .withFence(fence);
        ReplicationRequest request;
        try (SourceSnapshot snapshot = engine.openSnapshot(source.connection(), source.name(), options)) {
            snapshot.copySchemaBefore(destination);
            snapshot.copySchemaAfter(destination);
            request = new ReplicationRequest(JOB, source.name(), pg.superuser(), destination,
                    snapshot.replicationStart().orElseThrow(), Map.of()).withFence(fence);
        }
        source.execute("INSERT INTO account (v) SELECT 'v' || g FROM generate_series(1, 50) g");
        String slots = "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'ferry%" + JOB + "%' AND database = '"
                + source.name() + "'";
        String publications = "SELECT count(*) FROM pg_publication WHERE pubname LIKE 'ferry%" + JOB + "%'";
        assertThat(source.queryLong(slots)).isEqualTo(1);
        assertThat(source.queryLong(publications)).isEqualTo(1);

        leaseMovesToNodeB();
        assertThatThrownBy(() -> engine.finishReplication(request))
                .satisfies(e -> assertThat(LeaseLost.in(e)).as("lease lost: %s", e).isTrue());
        assertThat(source.queryLong(slots)).as("the slot stays for the new owner").isEqualTo(1);
        assertThat(source.queryLong(publications)).isEqualTo(1);
        assertThat(Sql.one(destination, source.name(), "SELECT last_value FROM account_id_seq")).isEqualTo("1");

        // The new owner promotes under its own lease.
        Fence nodeB = store.fenced(new JobLease(JOB, "node-b", 4, Instant.now())).fence();
        engine.finishReplication(request.withFence(nodeB));
        assertThat(source.queryLong(slots)).isZero();
        assertThat(source.queryLong(publications)).isZero();
        assertThat(Sql.one(destination, source.name(), "SELECT last_value FROM account_id_seq")).isEqualTo("50");
    }
}
