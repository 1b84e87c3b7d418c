package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A ONE_TIME PostgreSQL job end to end through the control plane, the runner, the engine and the provisioner. */
class OneTimePostgresMigrationIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    static void fillShop(TestDatabase db) {
        db.execute(
                "CREATE SCHEMA sales",
                "CREATE SCHEMA \"Odd Schema\"",
                "CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped')",
                "CREATE TABLE sales.customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, "
                        + "email text UNIQUE, tags text[], created timestamptz DEFAULT now())",
                "CREATE TABLE sales.\"Order\" (id serial PRIMARY KEY, customer_id bigint REFERENCES sales.customer(id), "
                        + "status sales.status, total numeric(12,2), doc jsonb, note text)",
                "CREATE INDEX order_customer ON sales.\"Order\"(customer_id)",
                "CREATE TABLE \"Odd Schema\".\"we\"\"ird table\" (k int, v bytea)",
                "INSERT INTO sales.customer (name, email, tags) SELECT 'c' || g, 'c' || g || '@x.test', "
                        + "ARRAY['a', 'b' || g] FROM generate_series(1, 2000) g",
                "INSERT INTO sales.\"Order\" (customer_id, status, total, doc, note) SELECT 1 + g % 2000, "
                        + "(ARRAY['new','paid','shipped'])[1 + g % 3]::sales.status, g * 1.25, "
                        + "jsonb_build_object('n', g), repeat('x', g % 50) FROM generate_series(1, 20000) g",
                "INSERT INTO \"Odd Schema\".\"we\"\"ird table\" SELECT g, decode(md5(g::text), 'hex') "
                        + "FROM generate_series(1, 500) g",
                "CREATE VIEW sales.big_orders AS SELECT * FROM sales.\"Order\" WHERE total > 1000");
    }

    /** A fresh source database with the shop in it, and the one-time job copy-shop of it into the shared destination. */
    private TestDatabase shopJobIntoDestination() {
        TestDatabase shop = pg.freshDatabase();
        fillShop(shop);
        ferry.profile("src", shop.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("copy-shop", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);
        return shop;
    }

    private static void assertSameTables(DatabaseConnection source, DatabaseConnection target, String database)
            throws Exception {
        var tables = Sql.pgTables(source, database);
        assertThat(tables).isNotEmpty();
        assertThat(Sql.pgTables(target, database)).isEqualTo(tables);
        for (String table : tables) {
            assertThat(Sql.pgTableHash(target, database, table)).as(table)
                    .isEqualTo(Sql.pgTableHash(source, database, table));
        }
    }

    @Test
    @Timeout(180)
    void oneTimeJobCopiesADatabaseIntoAnExistingEmptyDestination() throws Exception {
        TestDatabase shop = shopJobIntoDestination();

        ferry.control().jobs().start("copy-shop", false, null);
        var job = ferry.awaitEnd("copy-shop", Duration.ofSeconds(150));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertSameTables(shop.connection(), destination.superuser(), shop.name());
        assertThat(ferry.control().jobs().objects("copy-shop")).hasSize(3)
                .allSatisfy(o -> assertThat(o.state()).isEqualTo(ObjectState.COPIED));
        assertThat(ferry.control().jobs().compare("copy-shop")).allSatisfy(c -> assertThat(c.matches()).isTrue());
        assertThat(Sql.one(destination.superuser(), shop.name(), "SELECT count(*) FROM sales.big_orders"))
                .isEqualTo(Sql.one(shop.connection(), shop.name(), "SELECT count(*) FROM sales.big_orders"));
        assertThat(Sql.one(destination.superuser(), shop.name(),
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'order_customer'")).isEqualTo("1");
        // Ferry analyzed every copied table itself (last_analyze is a manual ANALYZE, never autovacuum's).
        assertThat(Sql.column(destination.superuser(), shop.name(), "SELECT schemaname || '.' || relname || '=' || "
                + "(last_analyze IS NOT NULL) FROM pg_stat_user_tables ORDER BY 1"))
                .containsExactlyInAnyOrder("Odd Schema.we\"ird table=true", "sales.Order=true", "sales.customer=true");
        assertThat(ferry.control().jobs().events("copy-shop", 100)).extracting(dev.ferry.core.model.JobEvent::message)
                .anyMatch(m -> m.startsWith("Analyzed the copied tables of " + shop.name()))
                .anyMatch(m -> m.matches("Time per phase of " + shop.name()
                        + ": schema [0-9.]+s, data [0-9.]+s, indexes and constraints [0-9.]+s, analyze [0-9.]+s"));
    }

    @Test
    @Timeout(180)
    void eachTableIsAnalyzedOnceItsCopyEndsAndPartitionsThroughTheirRootAtTheEnd() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute(
                "CREATE TABLE big (id bigint PRIMARY KEY, payload text)",
                "INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 400000) g",
                "CREATE TABLE small (id int PRIMARY KEY, v text)",
                "INSERT INTO small SELECT g, 'v' || g FROM generate_series(1, 1000) g",
                "CREATE TABLE measures (at date NOT NULL, v int) PARTITION BY RANGE (at)",
                "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO measures SELECT date '2025-01-01' + g % 700, g FROM generate_series(1, 5000) g",
                "ANALYZE");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("copy-analyzed", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("copy-analyzed", false, null);
        var job = ferry.awaitEnd("copy-analyzed", Duration.ofSeconds(150));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        var target = destination.superuser();
        assertThat(Sql.column(target, db.name(), "SELECT relname || '=' || (last_analyze IS NOT NULL) "
                + "FROM pg_stat_user_tables ORDER BY 1"))
                .containsExactly("big=true", "measures=true", "measures_2025=true", "measures_2026=true", "small=true");
        // The partitioned table got its own statistics, over all partitions: it was analyzed through its root.
        assertThat(Sql.one(target, db.name(), "SELECT count(*) > 0 FROM pg_stats WHERE tablename = 'measures' "
                + "AND inherited")).isEqualTo("t");
        // The small table was analyzed while the big one was still being copied: as soon as its own copy ended.
        var bigCopied = ferry.control().jobs().objects("copy-analyzed").stream()
                .filter(o -> o.table().table().equals("big")).findFirst().orElseThrow().updateTime();
        var smallAnalyzed = java.time.OffsetDateTime.parse(Sql.one(target, db.name(),
                "SELECT to_char(last_analyze AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                        + "FROM pg_stat_user_tables WHERE relname = 'small'")).toInstant();
        assertThat(smallAnalyzed).isBefore(bigCopied);
        assertThat(ferry.control().jobs().events("copy-analyzed", 100)).extracting(dev.ferry.core.model.JobEvent::message)
                .anyMatch(m -> m.startsWith("Analyzed the copied tables of " + db.name()) && m.contains("analyzed \"public\".\"small\" in")
                        && m.contains("analyzed \"public\".\"measures\" in") && !m.contains("measures_2025"));
    }

    /**
     * A one-time job counts a table's rows on the destination as soon as its copy ends, while the other tables still
     * load, instead of scanning every table on both sides after the load. The count is the only scan of the small table
     * on the destination (copying, truncating and analyzing it are not counted as sequential scans).
     */
    @Test
    @Timeout(180)
    void aCopiedTableIsCountedOnTheDestinationWhileTheOthersStillLoad() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE slow (id bigint PRIMARY KEY, payload text)",
                "INSERT INTO slow SELECT g, repeat(md5(g::text), 2) FROM generate_series(1, 200000) g",
                "CREATE TABLE small (v int)", "INSERT INTO small SELECT generate_series(1, 100)");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        // About 35 MB read at 4 MB/s: the copy of slow takes some 9 s.
        ferry.job("counted-early", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL,
                new ReliabilityConfig(null, null, null, null, null, null, 4_000_000L));

        ferry.control().jobs().start("counted-early", false, null);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Long.parseLong(Sql.one(destination.superuser(), db.name(),
                        "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'small'")) > 0);
        assertThat(ferry.control().jobs().objects("counted-early")).filteredOn(o -> o.table().table().equals("slow"))
                .singleElement().satisfies(o -> assertThat(o.state()).as("still copying").isNotEqualTo(ObjectState.COPIED));

        var job = ferry.awaitEnd("counted-early", Duration.ofSeconds(150));
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(ferry.control().jobs().compare("counted-early")).hasSize(2)
                .allSatisfy(c -> assertThat(c.matches()).isTrue());
        assertThat(ferry.control().jobs().events("counted-early", 100)).extracting(dev.ferry.core.model.JobEvent::message)
                .contains("Row counts match for all 2 tables");
    }

    /**
     * The table whose copy ends the load is counted while its indexes still build, not after them: its rows are all
     * loaded then, and a count does not wait for an index build. Here the build takes some 4 s: an expression index
     * calling a function that sleeps 20 ms a row when a CREATE INDEX calls it. On the destination the count is the
     * table's only sequential scan.
     */
    @Test
    @Timeout(180)
    void theLastTableIsCountedWhileItsIndexesBuild() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE FUNCTION slow_key(v int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$BEGIN "
                        + "IF pg_catalog.current_query() LIKE 'CREATE INDEX%' THEN PERFORM pg_catalog.pg_sleep(0.02); END IF; "
                        + "RETURN v; END$$",
                "CREATE TABLE indexed (id int PRIMARY KEY, v int)",
                "CREATE INDEX indexed_slow ON indexed (slow_key(v))",
                "INSERT INTO indexed SELECT g, g FROM generate_series(1, 200) g");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("counted-while-indexing", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("counted-while-indexing", false, null);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Long.parseLong(Sql.one(destination.superuser(), db.name(),
                        "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'indexed'")) > 0);
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                + "AND query LIKE 'CREATE INDEX indexed_slow %'")).as("the index still building").isEqualTo("1");

        var job = ferry.awaitEnd("counted-while-indexing", Duration.ofSeconds(150));
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(ferry.control().jobs().compare("counted-while-indexing")).singleElement()
                .satisfies(c -> assertThat(c.matches()).isTrue());
    }

    @Test
    @Timeout(180)
    void aSourceWrittenDuringTheCopyFailsTheJobOnItsRowCounts() throws Exception {
        TestDatabase shop = shopJobIntoDestination();
        // A writer that keeps inserting customers, from before the job's snapshot until the job ended: the source then
        // holds more customers than the snapshot the job copied, whenever its rows are counted.
        var written = new java.util.concurrent.atomic.AtomicLong();
        var writer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (var c = shop.open(); var st = c.createStatement()) {
            var writes = writer.scheduleAtFixedRate(() -> {
                try {
                    st.execute("INSERT INTO sales.customer (name) VALUES ('late')");
                    written.incrementAndGet();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 5, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 0);
                ferry.control().jobs().start("copy-shop", false, null);
                var job = ferry.awaitEnd("copy-shop", Duration.ofSeconds(150));
                assertThat(job.state()).isEqualTo(JobState.FAILED);
                assertThat(job.error().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                assertThat(job.error().message()).startsWith("Row counts differ after the copy for 1 table(s): ")
                        .contains(shop.name() + ".sales.customer (source ");
                assertThat(writes.isDone()).as("the writer failed").isFalse();
            } finally {
                writer.shutdown();
                assertThat(writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        }
        // What the job compared: the destination holds the customers of its snapshot, the source more.
        var customers = ferry.control().jobs().compare("copy-shop").stream()
                .filter(c -> c.table().table().equals("customer")).findFirst().orElseThrow();
        assertThat(customers.matches()).isFalse();
        assertThat(customers.destinationRows()).isGreaterThanOrEqualTo(2000).isLessThan(customers.sourceRows());
        assertThat(Long.parseLong(Sql.one(destination.superuser(), shop.name(), "SELECT count(*) FROM sales.customer")))
                .isEqualTo(customers.destinationRows());
    }

    @Test
    @Timeout(240)
    void oneTimeJobCopiesIntoANewManagedInstanceThatForceDeleteRemoves() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        fillShop(shop);
        // The application's roles: a managed instance is given them, so ownership and privileges carry over.
        String r = shop.name();
        shop.execute("CREATE ROLE %1$s_owner NOLOGIN CREATEDB".formatted(r),
                "CREATE ROLE %1$s_readers NOLOGIN".formatted(r),
                "CREATE ROLE %1$s_app LOGIN PASSWORD 'app-secret' CONNECTION LIMIT 5 IN ROLE %1$s_readers".formatted(r),
                "CREATE ROLE %1$s_admin SUPERUSER LOGIN".formatted(r),
                "ALTER TABLE sales.customer OWNER TO %1$s_owner".formatted(r),
                "ALTER VIEW sales.big_orders OWNER TO %1$s_admin".formatted(r),
                "GRANT USAGE ON SCHEMA sales TO %1$s_readers".formatted(r),
                "GRANT SELECT ON sales.customer TO %1$s_readers".formatted(r),
                "GRANT INSERT, UPDATE (note) ON sales.\"Order\" TO %1$s_app".formatted(r));
        try {
            copiesIntoANewManagedInstance(shop);
        } finally {
            for (String role : java.util.List.of("owner", "readers", "app", "admin")) {
                shop.execute("REASSIGN OWNED BY %1$s_%2$s TO CURRENT_USER".formatted(r, role),
                        "DROP OWNED BY %1$s_%2$s".formatted(r, role));
            }
            Sql.execute(shop.connection(), "postgres", "DROP ROLE %1$s_app, %1$s_readers, %1$s_owner, %1$s_admin".formatted(r));
        }
    }

    private void copiesIntoANewManagedInstance(TestDatabase shop) throws Exception {
        String r = shop.name();
        ferry.profile("src", shop.connection());
        var create = ferry.control().profiles().create(new ProfileRequest("managed-dst", null, Map.of("env", "test"),
                new ManagedInstance(EngineKind.POSTGRESQL, "15", null, Map.of(), null, "local", null)), null);
        var created = ferry.awaitOperation(create, Duration.ofSeconds(90));
        assertThat(created.error()).isNull();
        DatabaseConnection managed = ferry.control().profiles().get("managed-dst").connection();
        ferry.job("to-managed", JobType.ONE_TIME, "src", "managed-dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("to-managed", false, null);
        var job = ferry.awaitEnd("to-managed", Duration.ofSeconds(150));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertSameTables(shop.connection(), managed, shop.name());
        assertThat(Sql.column(managed, "postgres", ("SELECT rolname || ':' || rolcanlogin || ':' || rolsuper || ':' "
                + "|| rolcreatedb || ':' || rolconnlimit || ':' || (rolpassword IS NULL) FROM pg_authid "
                + "WHERE rolname LIKE '%s\\_%%' ORDER BY 1").formatted(r)))
                .as("roles created without passwords, a superuser as a plain role")
                .containsExactly(r + "_admin:true:false:false:-1:true", r + "_app:true:false:false:5:true",
                        r + "_owner:false:false:true:-1:true", r + "_readers:false:false:false:-1:true");
        assertThat(Sql.one(managed, "postgres", "SELECT pg_has_role('%1$s_app', '%1$s_readers', 'MEMBER')".formatted(r)))
                .isEqualTo("t");
        String owners = "SELECT c.relname || '=' || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '-') "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' "
                + "AND c.relkind IN ('r', 'v') ORDER BY 1";
        assertThat(Sql.column(managed, shop.name(), owners)).as("owners and privileges carried over")
                .isEqualTo(Sql.column(shop.connection(), shop.name(), owners))
                .anyMatch(line -> line.startsWith("customer=" + r + "_owner "));
        String columnGrants = "SELECT attname || ' ' || attacl::text FROM pg_attribute "
                + "WHERE attrelid = 'sales.\"Order\"'::regclass AND attacl IS NOT NULL";
        assertThat(Sql.column(managed, shop.name(), columnGrants)).hasSize(1)
                .isEqualTo(Sql.column(shop.connection(), shop.name(), columnGrants));
        assertThat(ferry.control().jobs().events("to-managed", 200)).extracting(dev.ferry.core.model.JobEvent::message)
                .contains("Created role %s_app (login, no password yet)".formatted(r), "Granted role %1$s_readers to %1$s_app".formatted(r),
                        "Created role %s_admin (login, no password yet); it is a superuser on the source, created without SUPERUSER"
                                .formatted(r));

        ferry.control().jobs().delete("to-managed", true, null);
        assertThatThrownBy(() -> ferry.control().profiles().get("managed-dst"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> Sql.one(managed, "postgres", "SELECT 1")).isInstanceOf(java.sql.SQLException.class);
    }

    @Test
    @Timeout(120)
    void startRefusesADestinationThatAlreadyHoldsTheDatabaseAndChangesNothing() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        fillShop(shop);
        Sql.execute(destination.superuser(), "postgres", "CREATE DATABASE " + shop.name());
        Sql.execute(destination.superuser(), shop.name(), "CREATE TABLE keep_me (id int)", "INSERT INTO keep_me VALUES (42)");
        ferry.profile("src", shop.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("refused", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        assertThatThrownBy(() -> ferry.control().jobs().start("refused", false, null))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(e.getMessage()).contains("EXISTING_DATA").contains(shop.name());
                });

        assertThat(ferry.control().jobs().get("refused").state()).isEqualTo(JobState.NOT_STARTED);
        assertThat(Sql.pgTables(destination.superuser(), shop.name())).containsExactly("public.keep_me");
        assertThat(Sql.one(destination.superuser(), shop.name(), "SELECT id FROM keep_me")).isEqualTo("42");
    }

    @Test
    @Timeout(120)
    void anAcknowledgedOverwriteDropsWhatTheDestinationHeldAndCopiesTheSource() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        fillShop(shop);
        Sql.execute(destination.superuser(), "postgres", "CREATE DATABASE " + shop.name());
        Sql.execute(destination.superuser(), shop.name(), "CREATE TABLE stale (id int)", "CREATE SCHEMA sales");
        ferry.profile("src", shop.connection());
        ferry.profile("dst", destination.superuser());
        ferry.jobOverwritingDestination("overwrite", "src", "dst");

        var findings = ferry.control().jobs().verify("overwrite");
        ferry.control().jobs().start("overwrite", false, null);
        var job = ferry.awaitEnd("overwrite", Duration.ofSeconds(100));

        assertThat(findings).anySatisfy(f -> {
            assertThat(f.code()).isEqualTo("EXISTING_DATA");
            assertThat(f.severity()).isEqualTo(dev.ferry.core.model.Severity.WARNING);
        });
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertSameTables(shop.connection(), destination.superuser(), shop.name());
    }

    @Test
    @Timeout(60)
    void aProfileWithAWrongPasswordIsRefusedWithoutEchoingItAndNotSaved() {
        DatabaseConnection right = pg.superuser();
        DatabaseConnection wrong = right.withPassword(new Secret("not-the-password-7731"));

        assertThatThrownBy(() -> ferry.profile("bad", wrong))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                    assertThat(e.getMessage()).doesNotContain("not-the-password-7731");
                });
        assertThat(ferry.control().profiles().list()).isEmpty();
    }

    @Test
    @Timeout(300)
    void aJobInterruptedByAFerryRestartResumesAndCompletesIdentically() throws Exception {
        TestDatabase big = pg.freshDatabase();
        big.execute("CREATE TABLE wide (id bigint PRIMARY KEY, payload text, n numeric)",
                "INSERT INTO wide SELECT g, repeat(md5(g::text), 4), g / 7.0 FROM generate_series(1, 1500000) g",
                "CREATE TABLE small (id int PRIMARY KEY)", "INSERT INTO small SELECT generate_series(1, 100)");
        ferry.profile("src", big.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("resumed", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("resumed", false, null);
        await().atMost(Duration.ofSeconds(60)).until(() -> ferry.control().jobs().objects("resumed").stream()
                .anyMatch(o -> o.state() == ObjectState.COPYING && o.table().table().equals("wide")));
        ferry.restart();
        var job = ferry.awaitJob("resumed", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(200));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(ferry.control().jobs().events("resumed", 100))
                .anySatisfy(e -> assertThat(e.message()).contains("resuming"));
        assertSameTables(big.connection(), destination.superuser(), big.name());
    }

    /**
     * A stop cancels the table copies that run instead of waiting for them to end: the slow table's COPY is rolled
     * back and the table is left to copy again, and the resumed job completes with the same rows on both sides.
     */
    @Test
    @Timeout(300)
    void aStopCancelsTheRunningTableCopyAndTheResumedJobCompletesIdentically() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE slow (id bigint PRIMARY KEY, payload text)",
                "INSERT INTO slow SELECT g, repeat(md5(g::text), 2) FROM generate_series(1, 200000) g",
                "CREATE TABLE small (id int PRIMARY KEY)", "INSERT INTO small SELECT generate_series(1, 100)");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        // About 35 MB read at 2 MB/s: the copy of slow alone would take some 17 s.
        ferry.job("stopped", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL,
                new ReliabilityConfig(null, null, null, null, null, null, 2_000_000L));

        StopAndResume.stopWhileCopying(ferry, "stopped", "slow");
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM slow"))
                .as("the cancelled COPY rolled back").isEqualTo("0");

        StopAndResume.resumeToCompletion(ferry, "stopped");
        assertSameTables(db.connection(), destination.superuser(), db.name());
    }

    /**
     * A stop during an index build cancels the {@code CREATE INDEX} on the destination instead of waiting for it: the
     * index is not there after the stop, and the resumed job builds it and completes with the same rows on both sides.
     */
    @Test
    @Timeout(300)
    void aStopCancelsTheIndexBeingBuiltAndTheResumedJobCompletesIdentically() throws Exception {
        TestDatabase db = pg.freshDatabase();
        // The index's function is made slow once the source's index exists: the destination's build takes some 10 s.
        db.execute("CREATE FUNCTION slow_key(n int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS 'BEGIN RETURN n; END'",
                "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 5000) g",
                "CREATE INDEX t_slow ON t (slow_key(id))",
                "CREATE OR REPLACE FUNCTION slow_key(n int) RETURNS int LANGUAGE plpgsql IMMUTABLE "
                        + "AS 'BEGIN PERFORM pg_catalog.pg_sleep(0.002); RETURN n; END'");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("index-stop", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);
        String building = "SELECT count(*) FROM pg_catalog.pg_stat_progress_create_index p JOIN pg_catalog.pg_database d "
                + "ON d.oid = p.datid WHERE d.datname = '" + db.name() + "'";

        ferry.control().jobs().start("index-stop", false, null);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Sql.one(destination.superuser(), "postgres", building).equals("1"));
        ferry.control().jobs().stop("index-stop", null);
        assertThat(ferry.awaitEnd("index-stop", Duration.ofSeconds(60)).state()).isEqualTo(JobState.STOPPED);

        assertThat(Sql.one(destination.superuser(), "postgres", building)).as("no build left running").isEqualTo("0");
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM pg_catalog.pg_indexes WHERE indexname = 't_slow'"))
                .as("the build was cancelled, not waited for").isEqualTo("0");

        StopAndResume.resumeToCompletion(ferry, "index-stop");
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM pg_catalog.pg_indexes WHERE indexname = 't_slow'"))
                .isEqualTo("1");
        assertSameTables(db.connection(), destination.superuser(), db.name());
    }
}
