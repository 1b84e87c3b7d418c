package dev.ferry.engine.postgres.cdc;

import static org.awaitility.Awaitility.await;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One replication set-up for a test: a fresh source database, a database of the same name on the
 * destination, the same tables on both, and the job's publication and slot on the source (created as
 * the full load would). Closing drops the slot, so slots do not pile up on the shared server.
 */
final class CdcFixture implements AutoCloseable {
    private static final AtomicLong JOBS = new AtomicLong();

    final TestDatabase source;
    final DatabaseConnection destination;
    final String job;
    final ReplicationRequest request;

    private CdcFixture(TestDatabase source, DatabaseConnection destination, String job, ReplicationRequest request) {
        this.source = source;
        this.destination = destination;
        this.job = job;
        this.request = request;
    }

    /** Creates the databases, runs {@code ddl} on both sides, then the publication and slot. */
    static CdcFixture create(LocalPostgres pg, LocalPostgres dest, String... ddl) {
        return create(pg, dest, false, ddl);
    }

    /** As {@link #create(LocalPostgres, LocalPostgres, String...)}, with the job's DDL capture installed before the slot. */
    static CdcFixture createCapturing(LocalPostgres pg, LocalPostgres dest, String... ddl) {
        return create(pg, dest, true, ddl);
    }

    private static CdcFixture create(LocalPostgres pg, LocalPostgres dest, boolean capture, String... ddl) {
        TestDatabase source = pg.freshDatabase();
        execute(dest.superuser(), "CREATE DATABASE " + Dialect.POSTGRESQL.quote(source.name()));
        DatabaseConnection destination = dest.superuser().withDatabase(source.name());
        source.execute(ddl);
        execute(destination, ddl);
        String job = "cdc-" + ProcessHandle.current().pid() + "-" + JOBS.incrementAndGet();
        if (capture) {
            try (Connection c = connect(source.connection())) {
                DdlCapture.install(c, job, DdlCapture.names(ReplicationNames.of(null, job, source.name())));
            } catch (SQLException e) {
                throw new IllegalStateException("installing the DDL capture failed", e);
            }
        }
        source.execute("CREATE PUBLICATION " + Dialect.POSTGRESQL.quote(ReplicationNames.publication(job)) + " FOR ALL TABLES");
        String slot = ReplicationNames.slot(job, source.name());
        String lsn = (String) source.query("SELECT lsn::text FROM pg_create_logical_replication_slot("
                + Dialect.POSTGRESQL.literal(slot) + ", 'pgoutput')").getFirst().getFirst();
        var reliability = capture ? new ReliabilityConfig(null, null, null, null, null, null, null, true) : ReliabilityConfig.DEFAULT;
        var request = new ReplicationRequest(job, source.name(), pg.superuser(), dest.superuser(), PgLsn.parseLsn(lsn), Map.of(),
                reliability);
        return new CdcFixture(source, destination, job, request);
    }

    String slot() {
        return ReplicationNames.slot(job, source.name());
    }

    PgReplication open() {
        return (PgReplication) new PostgresEngine().openReplication(request);
    }

    /** Streams and applies everything the source has committed so far, then returns. */
    void catchUp() throws InterruptedException {
        catchUp(new Recorder());
    }

    /** As {@link #catchUp()}, telling {@code recorder}. */
    void catchUp(Recorder recorder) throws InterruptedException {
        try (PgReplication replication = open()) {
            replication.stopAt(replication.sourceHead());
            replication.run(recorder);
        }
    }

    Map<TableRef, String> hashes(DatabaseConnection db, String... tables) {
        List<TableRef> refs = new ArrayList<>();
        for (String t : tables) {
            refs.add(new TableRef("public", t));
        }
        return new PostgresEngine().contentHashes(db, source.name(), refs);
    }

    /** The source and destination content hashes of {@code tables} (public schema), for comparison. */
    Map<TableRef, String> sourceHashes(String... tables) {
        return hashes(source.connection(), tables);
    }

    Map<TableRef, String> destinationHashes(String... tables) {
        return hashes(destination, tables);
    }

    Object destinationValue(String sql) {
        return query(destination, sql).getFirst().getFirst();
    }

    @Override
    public void close() {
        String slot = Dialect.POSTGRESQL.literal(slot());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            source.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = " + slot
                    + " AND active_pid IS NOT NULL");
            source.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = " + slot);
            return true;
        });
    }

    static void execute(DatabaseConnection db, String... statements) {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed on " + db.display(), e);
        }
    }

    static List<List<Object>> query(DatabaseConnection db, String sql) {
        try (Connection c = connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + db.display() + ": " + sql, e);
        }
    }

    static Connection connect(DatabaseConnection db) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.username());
        if (db.password() != null) {
            props.setProperty("password", db.password().reveal());
        }
        return DriverManager.getConnection("jdbc:postgresql://%s:%d/%s".formatted(db.host(), db.port(), db.database()), props);
    }

    /** A replication running on its own virtual thread. */
    record Background(Thread thread, CompletableFuture<Void> done) {
        static Background start(PgReplication replication, Recorder recorder) {
            var done = new CompletableFuture<Void>();
            Thread thread = Thread.ofVirtual().name("replication").start(() -> {
                try {
                    replication.run(recorder);
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            return new Background(thread, done);
        }

        /** The failure {@code run} ended with (waits for it), or null when it returned normally. */
        Throwable failure() throws Exception {
            return done.handle((ok, e) -> e).get(60, TimeUnit.SECONDS);
        }

        void await() throws Exception {
            try {
                done.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // Every thread, virtual ones included, for the failure to say where replication hangs.
                java.nio.file.Path dump = java.nio.file.Files.createTempDirectory("ferry-threads").resolve("threads.txt");
                java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
                String threads = "replication did not end within 60 s; threads:\n" + java.nio.file.Files.readString(dump);
                throw new IllegalStateException(threads, e);
            }
        }
    }

    /** A listener that remembers what it was told. Thread-safe. */
    static final class Recorder implements ReplicationListener {
        final List<Position> applied = new CopyOnWriteArrayList<>();
        final Map<TableRef, AtomicLong> rows = new ConcurrentHashMap<>();
        final List<String> unsupported = new CopyOnWriteArrayList<>();
        final List<String> diverged = new CopyOnWriteArrayList<>();
        final AtomicReference<Duration> lastLag = new AtomicReference<>();
        final AtomicLong lagReports = new AtomicLong();
        final List<String> notices = new CopyOnWriteArrayList<>();

        @Override
        public void notice(String message) {
            notices.add(message);
        }

        @Override
        public void applied(Position position, Instant sourceCommitTime, Map<TableRef, Long> changed) {
            applied.add(position);
            changed.forEach((t, n) -> rows.computeIfAbsent(t, k -> new AtomicLong()).addAndGet(n));
        }

        @Override
        public void lag(Duration lag, long bytes) {
            lastLag.set(lag);
            lagReports.incrementAndGet();
        }

        @Override
        public void unsupported(TableRef table, String what) {
            unsupported.add(table + ": " + what);
        }

        @Override
        public void diverged(TableRef table, String detail) {
            diverged.add(table + ": " + detail);
        }

        long rows(String table) {
            AtomicLong n = rows.get(new TableRef("public", table));
            return n == null ? 0 : n.get();
        }
    }
}
