package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A one-time copy driven the way the job runner drives it, checked on the destination. */
@Timeout(180)
class PostgresFullCopyIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final Engine engine = new PostgresEngineProvider().create();

    @Test
    void aFullCopyReproducesRowsSchemaSequencesAndLargeObjects() throws Exception {
        var source = pg.freshDatabase();
        source.execute(Sql.resource("rich-source.sql"));

        List<TableInfo> tables = copy(source, ObjectsConfig.ALL);

        List<TableRef> refs = tables.stream().map(TableInfo::ref).toList();
        assertThat(refs).contains(new TableRef("Sales Dept", "Order \"Items\""), new TableRef("inventory", "stock"),
                new TableRef("public", "events_2024"), new TableRef("public", "events_2025"))
                .doesNotContain(new TableRef("public", "events"));
        assertThat(tables.getFirst().ref()).isEqualTo(new TableRef("Sales Dept", "Order \"Items\""));
        assertThat(tables).filteredOn(t -> t.ref().table().equals("stock")).singleElement()
                .extracting(TableInfo::hasPrimaryKey).isEqualTo(false);
        DatabaseConnection d = dest.superuser().withDatabase(source.name());
        assertThat(engine.countRows(d, source.name(), refs)).isEqualTo(engine.countRows(source.connection(), source.name(), refs))
                .containsEntry(new TableRef("inventory", "stock"), 2003L);
        assertThat(engine.contentHashes(d, source.name(), refs))
                .isEqualTo(engine.contentHashes(source.connection(), source.name(), refs));
        assertThat(engine.userObjects(d, source.name())).isEqualTo(engine.userObjects(source.connection(), source.name()));

        assertThat(Sql.value(d, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('stock_sku_idx', 'products_pkey')"))
                .isEqualTo(2L);
        assertThat(Sql.value(d, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                + "AND conrelid = 'inventory.stock'::regclass")).isEqualTo(1L);
        assertThat(Sql.value(d, "SELECT count(*) FROM pg_trigger WHERE tgname = 'products_touch'")).isEqualTo(1L);
        assertThat(Sql.value(d, "SELECT obj_description('inventory.products'::regclass, 'pg_class')")).isEqualTo("what we sell");
        assertThat(Sql.value(d, "SELECT relispopulated FROM pg_class WHERE oid = 'inventory.totals'::regclass")).isEqualTo(true);
        assertThat(Sql.value(d, "SELECT nextval('inventory.ticket_seq')"))
                .isEqualTo(source.queryLong("SELECT nextval('inventory.ticket_seq')"));
        assertThat(Sql.value(d, "SELECT md5(lo_get(oid)) FROM pg_largeobject_metadata"))
                .isEqualTo(source.query("SELECT md5(lo_get(oid)) FROM pg_largeobject_metadata").getFirst().getFirst());
        // The identity column goes on from the copied maximum; the generated column is recomputed.
        Sql.execute(d, "INSERT INTO \"Sales Dept\".\"Order \"\"Items\"\"\" (\"Customer Name\", qty, price) VALUES ('new', 2, 3)");
        assertThat(Sql.query(d, "SELECT id, total FROM \"Sales Dept\".\"Order \"\"Items\"\"\" WHERE \"Customer Name\" = 'new'"))
                .containsExactly(List.of(3001L, new java.math.BigDecimal("6.00")));
    }

    @Test
    void rowsWrittenAfterTheSnapshotAreNotCopied() {
        var source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        engine.createDatabase(source.connection(), dest.superuser(), source.name());
        DatabaseConnection d = dest.superuser().withDatabase(source.name());

        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(ObjectsConfig.ALL))) {
            source.execute("INSERT INTO t VALUES (1001, 'late')", "DELETE FROM t WHERE id = 1", "UPDATE t SET v = 'changed'");
            snapshot.copySchemaBefore(d);
            long[] lastProgress = new long[2];
            CopyResult result = snapshot.copyTable(snapshot.tables().getFirst(), d, (rows, bytes) -> {
                lastProgress[0] = rows;
                lastProgress[1] = bytes;
            });
            snapshot.copySchemaAfter(d);
            assertThat(result.rows()).isEqualTo(1000);
            assertThat(lastProgress).containsExactly(result.rows(), result.bytes());
        }

        assertThat(Sql.value(d, "SELECT count(*) FROM t WHERE id = 1 AND v = 'v1'")).isEqualTo(1L);
        assertThat(Sql.value(d, "SELECT count(*) FROM t WHERE id = 1001 OR v = 'changed'")).isEqualTo(0L);
    }

    @Test
    void aTableCopiedAgainAfterAnEarlierAttemptEndsWithItsRowsAndIndexesOnce() {
        var source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text UNIQUE, n int)", "CREATE INDEX t_n_idx ON t (n)",
                "INSERT INTO t SELECT g, 'v' || g, g % 10 FROM generate_series(1, 5000) g");
        engine.createDatabase(source.connection(), dest.superuser(), source.name());
        DatabaseConnection d = dest.superuser().withDatabase(source.name());

        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(ObjectsConfig.ALL))) {
            snapshot.copySchemaBefore(d);
            TableInfo table = snapshot.tables().getFirst();
            snapshot.copyTable(table, d, (rows, bytes) -> { });
            CopyResult again = snapshot.copyTable(table, d, (rows, bytes) -> { });
            snapshot.copySchemaAfter(d);
            assertThat(again.rows()).isEqualTo(5000);
        }

        assertThat(Sql.value(d, "SELECT count(*) FROM t")).isEqualTo(5000L);
        assertThat(Sql.query(d, "SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1"))
                .containsExactly(List.of("t_n_idx"), List.of("t_pkey"), List.of("t_v_key"));
        assertThat(Sql.query(d, "SELECT conname, contype::text FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY 1"))
                .containsExactly(List.of("t_pkey", "p"), List.of("t_v_key", "u"));
    }

    @Test
    void rolesMissingOnTheDestinationFallBackToTheDestinationUser() {
        var source = pg.freshDatabase();
        String role = "owner_" + source.name();
        source.execute("CREATE ROLE " + role, "CREATE TABLE owned (id int)", "ALTER TABLE owned OWNER TO " + role,
                "GRANT SELECT ON owned TO " + role, "INSERT INTO owned VALUES (1), (2)");

        copy(source, ObjectsConfig.ALL);

        DatabaseConnection d = dest.superuser().withDatabase(source.name());
        assertThat(Sql.value(d, "SELECT tableowner FROM pg_tables WHERE tablename = 'owned'")).isEqualTo("postgres");
        assertThat(Sql.value(d, "SELECT count(*) FROM owned")).isEqualTo(2L);
    }

    @Test
    void aSelectionCopiesOnlyTheSelectedSchemasAndTables() {
        var source = pg.freshDatabase();
        source.execute("CREATE SCHEMA keep", "CREATE SCHEMA skip", "CREATE TABLE keep.a (id int)",
                "CREATE TABLE keep.b (id int)", "CREATE TABLE skip.c (id int)", "INSERT INTO keep.a VALUES (1)");
        String db = source.name();

        List<TableInfo> tables = copy(source, new ObjectsConfig(List.of(db + ".keep"), List.of(db + ".keep.b")));

        assertThat(tables).extracting(TableInfo::ref).containsExactly(new TableRef("keep", "a"));
        assertThat(engine.userObjects(dest.superuser(), db)).containsExactlyInAnyOrder("schema keep", "table keep.a");
    }

    @Test
    void aSchemaConflictOnTheDestinationFailsWithTheStatementAndAppliesNothing() {
        var source = pg.freshDatabase();
        source.execute("CREATE SCHEMA clash", "CREATE TABLE clash.t (id int)", "CREATE TABLE public.other (id int)");
        engine.createDatabase(source.connection(), dest.superuser(), source.name());
        DatabaseConnection d = dest.superuser().withDatabase(source.name());
        Sql.execute(d, "CREATE SCHEMA clash");

        try (var snapshot = engine.openSnapshot(source.connection(), source.name(), options(ObjectsConfig.ALL))) {
            assertThatThrownBy(() -> snapshot.copySchemaBefore(d)).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                assertThat(e.getMessage()).contains("pre-data").contains("schema \"clash\" already exists")
                        .contains("CREATE SCHEMA clash").doesNotContain(dest.superuser().password().reveal());
            });
        }
        assertThat(engine.userObjects(d, source.name())).containsExactly("schema clash");
    }

    @Test
    void aPgDumpOlderThanTheSourceIsRefusedBeforeAnythingIsApplied() {
        var source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int)");
        int major = engine.probe(source.connection()).major();
        PgTools real = PgTools.locate();
        var oldTools = new PostgresEngine(Clock.systemUTC(),
                () -> new PgTools(real.pgDump(), real.psql(), major - 1, (major - 1) + ".0"));
        oldTools.createDatabase(source.connection(), dest.superuser(), source.name());
        DatabaseConnection d = dest.superuser().withDatabase(source.name());

        try (var snapshot = oldTools.openSnapshot(source.connection(), source.name(), options(ObjectsConfig.ALL))) {
            assertThatThrownBy(() -> snapshot.copySchemaBefore(d)).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                assertThat(e.getMessage()).contains("older than the source").contains("PostgreSQL " + major);
            });
        }
        assertThat(engine.userObjects(d, source.name())).isEmpty();
    }

    /** Runs a one-time copy the way the job runner does, with tables copied in parallel. */
    private List<TableInfo> copy(TestDatabase source, ObjectsConfig objects) {
        String db = source.name();
        assertThat(engine.createDatabase(source.connection(), dest.superuser(), db)).isTrue();
        assertThat(engine.userObjects(dest.superuser(), db)).isEmpty();
        DatabaseConnection d = dest.superuser().withDatabase(db);
        try (var snapshot = engine.openSnapshot(source.connection(), db, options(objects));
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<TableInfo> tables = snapshot.tables();
            snapshot.copySchemaBefore(d);
            List<Future<CopyResult>> copies = new ArrayList<>();
            for (TableInfo table : tables) {
                copies.add(executor.submit(() -> snapshot.copyTable(table, d, (rows, bytes) -> { })));
            }
            for (Future<CopyResult> copy : copies) {
                copy.get();
            }
            snapshot.copySchemaAfter(d);
            return tables;
        } catch (Exception e) {
            throw new AssertionError("copy failed", e);
        }
    }

    private static Engine.SnapshotOptions options(ObjectsConfig objects) {
        return new Engine.SnapshotOptions("test-job", new ObjectSelection(objects), false, 4);
    }
}
