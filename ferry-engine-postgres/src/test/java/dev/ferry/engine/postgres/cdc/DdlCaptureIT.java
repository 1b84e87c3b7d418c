package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.testkit.LocalPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes on the source while changes stream, with the job's DDL capture on: each statement is replayed on the
 * destination at its place (columns added, retyped, dropped, renamed; a table created with its rows; an index, a view
 * and a function; a table dropped), nothing is left for the stream-based evolution or the catalog watch's copies, and
 * cleanup leaves no capture object on the source. A statement the destination refuses stops the job naming it.
 */
@Timeout(240)
class DdlCaptureIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private static List<List<Object>> columns(DatabaseConnection db, String table) {
        return CdcFixture.query(db, "SELECT attname::text, format_type(atttypid, atttypmod), "
                + "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
                + "AND d.adnum = a.attnum WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped "
                + "ORDER BY attnum");
    }

    /** Sends {@code sql} in one simple-protocol query, as psql -c does, so current_query() is all of it. */
    private static void executeAsOneQuery(DatabaseConnection db, String sql) throws java.sql.SQLException {
        var props = new java.util.Properties();
        props.setProperty("user", db.username());
        props.setProperty("preferQueryMode", "simple");
        if (db.password() != null) {
            props.setProperty("password", db.password().reveal());
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://%s:%d/%s".formatted(db.host(), db.port(),
                db.database()), props); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<List<Object>> objects(DatabaseConnection db) {
        return CdcFixture.query(db, "SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
                + "UNION ALL SELECT 'view ' || viewname || ': ' || definition FROM pg_views WHERE schemaname = 'public' "
                + "UNION ALL SELECT 'function ' || p.oid::regprocedure::text || ': ' || pg_get_functiondef(p.oid) FROM pg_proc p "
                + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                + "UNION ALL SELECT 'table ' || schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('public', 'other') "
                + "ORDER BY 1");
    }

    @Test
    void capturedStatementsReplayExactlyAtTheirPlaceAndCleanupLeavesNothingBehind() throws Exception {
        try (var f = CdcFixture.createCapturing(pg, dest,
                "CREATE TABLE accounts (id int PRIMARY KEY, a int NOT NULL, b text, c int)",
                "CREATE TABLE doomed (id int PRIMARY KEY)",
                "CREATE TABLE rewritten (id int PRIMARY KEY, v int)")) {
            f.source.execute("INSERT INTO accounts SELECT g, g, 'b' || g, g FROM generate_series(1, 2000) g",
                    "INSERT INTO rewritten SELECT g, g FROM generate_series(1, 500) g");
            f.catchUp();
            var recorder = new CdcFixture.Recorder();
            PgReplication replication = f.open();
            var running = CdcFixture.Background.start(replication, recorder);

            f.source.execute("ALTER TABLE accounts ADD COLUMN note text DEFAULT 'n'",
                    "UPDATE accounts SET note = 'changed' WHERE id <= 10",
                    "INSERT INTO accounts (id, a, b, c) VALUES (5001, 1, 'x', 1)");
            f.source.execute("ALTER TABLE accounts ALTER COLUMN a TYPE bigint",
                    "UPDATE accounts SET a = 5000000000 WHERE id = 1");
            f.source.execute("ALTER TABLE accounts DROP COLUMN c", "UPDATE accounts SET b = 'after drop' WHERE id = 2");
            f.source.execute("ALTER TABLE accounts RENAME COLUMN b TO bee", "UPDATE accounts SET bee = 'renamed' WHERE id = 3");
            f.source.execute("BEGIN", "CREATE TABLE fresh (id int PRIMARY KEY, v text NOT NULL DEFAULT 'd')",
                    "INSERT INTO fresh SELECT g, 'v' || g FROM generate_series(1, 300) g", "COMMIT");
            f.source.execute("INSERT INTO fresh VALUES (301, 'streamed')",
                    "CREATE INDEX accounts_bee ON accounts (bee)",
                    "CREATE VIEW renamed_accounts AS SELECT id, bee FROM accounts WHERE bee = 'renamed'",
                    "CREATE FUNCTION next_id(i int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT i + 1'",
                    "DROP TABLE doomed");
            // Replayed, a volatile default gives other values: the rewrite is seen and the table copied again after it.
            f.source.execute("ALTER TABLE rewritten ADD COLUMN r double precision DEFAULT random()");
            // One query string with two DDL statements and a change: each statement replays once, the change streams.
            executeAsOneQuery(f.source.connection(), "CREATE TABLE multi (id int PRIMARY KEY); INSERT INTO multi VALUES (1); "
                    + "ALTER TABLE multi ADD COLUMN w text DEFAULT 'w'");
            // A statement that names its table without a schema finds it through the session's search_path.
            f.source.execute("CREATE SCHEMA other", "SET search_path TO other, public",
                    "CREATE TABLE elsewhere (id int PRIMARY KEY)", "INSERT INTO elsewhere VALUES (1), (2)");

            await().atMost(Duration.ofSeconds(90)).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() -> {
                if (running.done().isDone()) {
                    running.await();
                }
                assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM other.elsewhere")).containsExactly(List.of(2L));
                assertThat(f.destinationHashes("rewritten")).isEqualTo(f.sourceHashes("rewritten"));
                assertThat(objects(f.destination)).isEqualTo(objects(f.source.connection()));
            });
            replication.stopAt(replication.sourceHead());
            running.await();
            replication.close();

            assertThat(columns(f.destination, "accounts")).isEqualTo(columns(f.source.connection(), "accounts"))
                    .extracting(row -> row.get(0)).containsExactly("id", "a", "bee", "note");
            assertThat(columns(f.destination, "fresh")).isEqualTo(columns(f.source.connection(), "fresh"));
            assertThat(CdcFixture.query(f.destination, "SELECT id, w FROM multi")).containsExactly(List.of(1, "w"));
            assertThat(recorder.notices).contains(
                    "Replayed DDL captured on the source (CREATE TABLE on public.multi, public.multi_pkey): CREATE TABLE multi "
                            + "(id int PRIMARY KEY)",
                    "Replayed DDL captured on the source (ALTER TABLE on public.multi): ALTER TABLE multi ADD COLUMN w text "
                            + "DEFAULT 'w'");
            assertThat(f.destinationHashes("accounts", "fresh", "rewritten"))
                    .isEqualTo(f.sourceHashes("accounts", "fresh", "rewritten"));
            assertThat(CdcFixture.query(f.destination, "SELECT note, count(*) FROM accounts GROUP BY 1 ORDER BY 1"))
                    .containsExactly(List.of("changed", 10L), List.of("n", 1991L));
            assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM fresh")).containsExactly(List.of(301L));
            assertThat(recorder.diverged).isEmpty();
            assertThat(recorder.notices).filteredOn(n -> n.startsWith("Replayed DDL")).hasSize(14);
            assertThat(recorder.notices).noneMatch(n -> n.startsWith("Evolved table") || n.startsWith("Created table"));
            assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = 'ferry' AND c.relname LIKE 'ddl\\_%'")).containsExactly(List.of(0L));

            ReplicationCleanup.drop(pg.superuser(), f.source.name(), f.job, Clock.systemUTC());
            assertThat(f.source.query("SELECT count(*) FROM pg_event_trigger")).containsExactly(List.of(0L));
            assertThat(f.source.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).containsExactly(List.of(0L));
            assertThat(f.source.query("SELECT count(*) FROM pg_proc WHERE proname LIKE 'capture\\_%'")).containsExactly(List.of(0L));
        }
    }

    @Test
    void aUserWhoIsNoSuperuserIsToldBeforeTheStartAndTheStartFailsCreatingNothing() {
        var source = pg.freshDatabase();
        String user = "replicator_" + source.name();
        source.execute("CREATE ROLE " + user + " LOGIN REPLICATION PASSWORD 'replicator-pw'",
                "CREATE TABLE t (id int PRIMARY KEY)", "GRANT SELECT ON t TO " + user);
        var asReplicator = new DatabaseConnection(EngineKind.POSTGRESQL, source.connection().host(),
                source.connection().port(), user, Secret.of("replicator-pw"), source.name(), null);

        assertThat(new PostgresEngine().checkDdlCapture(asReplicator)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("DDL_CAPTURE_PRIVILEGE");
            assertThat(f.remedy()).contains("ALTER ROLE \"" + user + "\" SUPERUSER");
        });
        assertThat(new PostgresEngine().checkDdlCapture(source.connection())).isEmpty();
        assertThatThrownBy(() -> ReplicationStart.begin(asReplicator, "plain", ReplicationNames.of(null, "plain", source.name()),
                null, false, true)).isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(e.getMessage()).contains("superuser", "event triggers", "captureDdl");
                });
        assertThat(source.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).containsExactly(List.of(0L));
        assertThat(source.query("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .containsExactly(List.of(0L));
    }

    @Test
    void ddlOfAnOrdinaryOwnerIsCapturedButItCannotWriteTheCaptureTableItself() throws Exception {
        try (var f = CdcFixture.createCapturing(pg, dest)) {
            String owner = "owner_" + f.source.name();
            f.source.execute("CREATE ROLE " + owner + " LOGIN PASSWORD 'owner-pw'", "GRANT CREATE ON SCHEMA public TO " + owner);
            // Roles are not DDL of a database: the destination needs its own.
            CdcFixture.execute(dest.superuser(), "CREATE ROLE " + owner);
            var asOwner = new DatabaseConnection(EngineKind.POSTGRESQL, f.source.connection().host(),
                    f.source.connection().port(), owner, Secret.of("owner-pw"), f.source.name(), null);
            CdcFixture.execute(asOwner, "CREATE TABLE owned (id int PRIMARY KEY)", "ALTER TABLE owned ADD COLUMN v text",
                    "INSERT INTO owned VALUES (1, 'x')");
            String capture = Dialect.POSTGRESQL.quote("ferry", DdlCapture.names(ReplicationNames.of(null, f.job, f.source.name())).table());
            assertThatThrownBy(() -> CdcFixture.execute(asOwner, "INSERT INTO " + capture + " (job, command_tag, statement) "
                    + "VALUES (" + Dialect.POSTGRESQL.literal(f.job) + ", 'ALTER TABLE', pg_catalog.current_query())"))
                    .hasRootCauseMessage("ERROR: new row violates row-level security policy for table \""
                            + capture.substring("\"ferry\".\"".length(), capture.length() - 1) + "\"");
            var recorder = new CdcFixture.Recorder();
            f.catchUp(recorder);

            assertThat(columns(f.destination, "owned")).extracting(row -> row.get(0)).containsExactly("id", "v");
            assertThat(CdcFixture.query(f.destination, "SELECT v FROM owned")).containsExactly(List.of("x"));
            assertThat(recorder.notices).filteredOn(n -> n.startsWith("Replayed DDL")).hasSize(3);
        }
    }

    @Test
    void aJobThatAsksForCaptureWithoutOneInstalledFollowsTheStreamAndSaysSo() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE t (id int PRIMARY KEY)")) {
            var asking = new ReplicationRequest(f.job, f.source.name(), pg.superuser(), dest.superuser(), f.request.start(),
                    Map.of(), new ReliabilityConfig(null, null, null, null, null, null, null, true));
            f.source.execute("INSERT INTO t VALUES (1)", "CREATE TABLE later (id int PRIMARY KEY, v text)",
                    "INSERT INTO later VALUES (1, 'a'), (2, 'b')");
            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = (PgReplication) new PostgresEngine().openReplication(asking)) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
            }

            assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM later")).containsExactly(List.of(2L));
            assertThat(recorder.notices).anyMatch(n -> n.contains("has no capture of this job"))
                    .noneMatch(n -> n.startsWith("Replayed DDL"));
        }
    }

    @Test
    void withAPartialSelectionStatementsOnExcludedSchemasAreLeftOutAndNewTablesStillGetTheirRows() throws Exception {
        var source = pg.freshDatabase();
        String db = source.name();
        source.execute("CREATE SCHEMA hidden", "CREATE TABLE hidden.h (id int PRIMARY KEY)", "CREATE TABLE t (id int PRIMARY KEY)");
        CdcFixture.execute(dest.superuser(), "CREATE DATABASE " + Dialect.POSTGRESQL.quote(db));
        DatabaseConnection destination = dest.superuser().withDatabase(db);
        CdcFixture.execute(destination, "CREATE TABLE t (id int PRIMARY KEY)");
        String job = "capture-partial-" + db;
        var names = ReplicationNames.of("it", job, db);
        var objects = new ObjectsConfig(List.of(), List.of(db + ".hidden"));
        PgLsn start;
        try (SlotSnapshot slot = ReplicationStart.begin(source.connection(), job, names,
                new ObjectSelection(objects, EngineKind.POSTGRESQL), false, true)) {
            start = slot.start();
        }
        try {
            var request = new ReplicationRequest(job, db, pg.superuser(), dest.superuser(), start, Map.of(), List.of(db), objects,
                    new ReliabilityConfig(null, null, null, null, null, null, null, true), names);
            source.execute("ALTER TABLE hidden.h ADD COLUMN x int", "INSERT INTO t VALUES (1)",
                    "ALTER TABLE t ADD COLUMN y int DEFAULT 7", "CREATE TABLE n (id int PRIMARY KEY, v text)",
                    "INSERT INTO n VALUES (1, 'a'), (2, 'b')", "INSERT INTO t VALUES (2, 8)");
            var recorder = new CdcFixture.Recorder();
            PgReplication replication = (PgReplication) new PostgresEngine().openReplication(request);
            var running = CdcFixture.Background.start(replication, recorder);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() -> {
                if (running.done().isDone()) {
                    running.await();
                }
                assertThat(CdcFixture.query(destination, "SELECT count(*) FROM n")).containsExactly(List.of(2L));
                assertThat(CdcFixture.query(destination, "SELECT id, y FROM t ORDER BY id"))
                        .containsExactly(List.of(1, 7), List.of(2, 8));
            });
            source.execute("INSERT INTO n VALUES (3, 'streamed')");
            replication.stopAt(replication.sourceHead());
            running.await();
            replication.close();

            assertThat(CdcFixture.query(destination, "SELECT count(*) FROM n")).containsExactly(List.of(3L));
            assertThat(CdcFixture.query(destination, "SELECT count(*) FROM pg_namespace WHERE nspname = 'hidden'"))
                    .containsExactly(List.of(0L));
            assertThat(recorder.notices).filteredOn(n -> n.startsWith("Replayed DDL")).hasSize(2)
                    .noneMatch(n -> n.contains("hidden"));
        } finally {
            ReplicationCleanup.drop(pg.superuser(), db, names, Clock.systemUTC());
        }
        assertThat(source.query("SELECT count(*) FROM pg_event_trigger")).containsExactly(List.of(0L));
        assertThat(source.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).containsExactly(List.of(0L));
    }

    @Test
    void aStatementTheDestinationRefusesStopsTheJobNamingIt() throws Exception {
        try (var f = CdcFixture.createCapturing(pg, dest, "CREATE TABLE t (id int PRIMARY KEY, v text)")) {
            CdcFixture.execute(f.destination, "CREATE TABLE in_the_way (id int)");
            f.source.execute("INSERT INTO t VALUES (1, 'x')", "CREATE TABLE in_the_way (id int PRIMARY KEY)",
                    "INSERT INTO t VALUES (2, 'y')");
            var failure = CdcFixture.Background.start(f.open(), new CdcFixture.Recorder()).failure();
            assertThat(failure).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CHANGED);
                assertThat(e.getMessage()).contains("CREATE TABLE in_the_way (id int PRIMARY KEY)", "public.in_the_way");
            });
            assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM t")).containsExactly(List.of(1L));
        }
    }
}
