package dev.ferry.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connection pool: runs units of work in one transaction each and turns SQL failures into
 * {@link FerryException}s that name the store but never its password. Thread-safe.
 */
final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** H2's "database is already open in another process" (file locked). */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    /** H2's "the database has been closed": it closes itself when writing its file failed (a full disk). */
    private static final int H2_DATABASE_CLOSED = 90098;

    /** Work done inside a transaction; exceptions roll it back. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Work without a result done inside a transaction. */
    @FunctionalInterface
    interface VoidWork {
        void run(Connection connection) throws SQLException;
    }

    /** Where the schema's migration scripts are on the class path. */
    private static final String SCRIPTS = "db/migration";
    /** How long a PostgreSQL store session may sit inside a transaction without a statement before the server ends it. */
    static final java.time.Duration STALLED_TRANSACTION = java.time.Duration.ofSeconds(15);

    private final StoreConfig config;
    private final HikariDataSource pool;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * The embedded store's work runs here, never on the caller's thread: H2 reacts to an interrupt in the middle of
     * its file I/O by leaving its transactions in a state that fails other threads' writes, and job threads are
     * interrupted whenever a job stops or a copy is cancelled. An interrupt of the caller waits for the work instead.
     */
    private final java.util.concurrent.ExecutorService isolated =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ferry-store-", 0).factory());

    private Database(StoreConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
    }

    /** Opens the pool (creating the H2 directory when embedded) and brings the schema up to date. */
    static Database open(StoreConfig config) {
        if (config.jdbcUrl() == null) {
            try {
                Files.createDirectories(config.storeDirectory());
            } catch (IOException e) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Cannot create the store directory %s; check that Ferry home %s is writable by this user"
                                .formatted(config.storeDirectory(), config.home()), e);
            }
        }
        Database database = new Database(config, startPool(config));
        try {
            if (config.inMemoryOnly()) {
                database.createSchema();
            } else {
                database.migrate();
            }
            if (config.jdbcUrl() == null) {
                // H2 creates its files with the process umask; the store holds sealed secrets and job history.
                int changed = dev.ferry.store.secret.PrivateFiles.restrictTree(config.storeDirectory());
                if (changed > 0) {
                    log.atInfo().addKeyValue("store", config.storeDirectory()).addKeyValue("entries", changed)
                            .log("store files made readable by their owner only");
                }
            }
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    SqlDialect dialect() {
        return config.dialect();
    }

    String display() {
        return config.display();
    }

    /** Runs {@code work} in one transaction; {@code action} ("reading job x") goes into error messages. */
    <T> T inTransaction(String action, Work<T> work) {
        if (config.dialect() != SqlDialect.H2) {
            return transaction(action, work);
        }
        var future = isolated.submit(() -> transaction(action, work));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the work goes on to its end; the caller sees its interrupt afterwards
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("store work failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T transaction(String action, Work<T> work) {
        if (closed.get()) {
            throw new IllegalStateException("the metadata store " + display() + " is closed");
        }
        try (Connection connection = pool.getConnection()) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, action, e);
                renewIfClosedItself(e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(action, e);
        }
    }

    /**
     * The embedded H2 database closes itself when writing its file fails (its disk is full) and then refuses every
     * statement on the connections it had. Those connections are dropped from the pool, so the next unit of work
     * opens the file again: once there is space, the store works again without a restart. What was committed
     * before is in the file (H2 writes each commit whole, or not at all).
     */
    private void renewIfClosedItself(Exception e) {
        if (config.dialect() != SqlDialect.H2) {
            return;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_CLOSED || diskFull(t)) {
                log.atWarn().addKeyValue("store", display()).log("the embedded store closed itself after a failed write; "
                        + "its connections are renewed");
                var bean = pool.getHikariPoolMXBean();
                if (bean != null) {
                    bean.softEvictConnections();
                }
                return;
            }
        }
    }

    /** Like {@link #inTransaction} for work without a result. */
    void run(String action, VoidWork work) {
        inTransaction(action, connection -> {
            work.run(connection);
            return null;
        });
    }

    private void rollback(Connection connection, String action, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is probably broken; the pool discards it. The original failure is what matters.
            failure.addSuppressed(e);
            log.atWarn().addKeyValue("store", display()).addKeyValue("action", action).setCause(e)
                    .log("rollback failed; the pool discards the connection");
        }
    }

    private FerryException failure(String action, SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTransientConnectionException || (state != null && state.startsWith("08"))) {
            return new FerryException(ErrorCode.UNAVAILABLE,
                    "The metadata store %s is unavailable while %s; check that it is running and reachable, then retry"
                            .formatted(display(), action), e);
        }
        log.atError().addKeyValue("store", display()).addKeyValue("action", action)
                .addKeyValue("sqlState", state).setCause(e).log("metadata store statement failed");
        if (diskFull(e)) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, ("The metadata store %s cannot write while %s: the disk "
                    + "holding it is full. Nothing was lost; free space there, then resume the job").formatted(display(), action), e);
        }
        return new FerryException(ErrorCode.INTERNAL,
                "The metadata store %s failed while %s (SQL state %s); see the server log"
                        .formatted(display(), action, state), e);
    }

    private static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (m.contains("no space left on device") || m.contains("disk full") || m.contains("(disk is full)")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A store in memory is always new and gone with the process: its schema is made by running the migration scripts
     * in their order, in one transaction, without Flyway's scanning, validation and history table (a tenth of the
     * cost). Anything kept on disk or in a server goes through {@link #migrate} instead.
     */
    private void createSchema() {
        List<SchemaScripts.Script> scripts = SchemaScripts.list(SCRIPTS);
        run("creating the schema of the metadata store", c -> {
            try (Statement statement = c.createStatement()) {
                for (SchemaScripts.Script script : scripts) {
                    statement.execute(script.sql());
                }
            }
        });
        log.atInfo().addKeyValue("store", display()).addKeyValue("schemaVersion", scripts.getLast().version())
                .log("metadata store ready");
    }

    private void migrate() {
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:" + SCRIPTS)
                    .failOnMissingLocations(true)
                    .load();
            refuseNewerSchema(flyway);
            var result = flyway.migrate();
            log.atInfo().addKeyValue("store", display()).addKeyValue("schemaVersion",
                            result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion)
                    .addKeyValue("migrationsApplied", result.migrationsExecuted).log("metadata store ready");
        } catch (FlywayException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    ("Cannot bring the schema of the metadata store %s up to date; if it was written by a newer Ferry, "
                            + "use that version (details in the cause)").formatted(display()), e);
        }
    }

    /** A further pool to the same store, which the caller closes (see {@link JdbcStore#openSidePool}). */
    HikariDataSource openSidePool(String name, int size) {
        HikariConfig hikari = poolConfig(config, name);
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(0);
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            throw openFailure(config, e);
        }
    }

    /**
     * Several servers may share a store, and a newer one migrates it first (migrations only ever add, so the servers
     * of the previous version go on working). A server older than the store's schema does not start, though: it
     * would not know what the newer columns and tables mean. Flyway itself would ignore the newer migrations.
     */
    private void refuseNewerSchema(Flyway flyway) {
        var future = java.util.Arrays.stream(flyway.info().applied())
                .filter(m -> m.getState().name().startsWith("FUTURE_"))
                .map(m -> m.getVersion().getVersion())
                .toList();
        if (!future.isEmpty()) {
            var known = SchemaScripts.list(SCRIPTS).getLast().version();
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("The metadata store %s has schema version %s, newer "
                    + "than this Ferry knows (%s): a newer Ferry upgraded it. Run this server with that Ferry version or a "
                    + "newer one").formatted(display(), future.getLast(), known));
        }
    }

    private static HikariDataSource startPool(StoreConfig config) {
        HikariConfig hikari = poolConfig(config, "ferry-store");
        hikari.setMaximumPoolSize(8);
        hikari.setMinimumIdle(1);
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            throw openFailure(config, e);
        }
    }

    private static HikariConfig poolConfig(StoreConfig config, String name) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.effectiveUrl());
        hikari.setUsername(config.effectiveUser());
        hikari.setPassword(config.password() == null ? "" : config.password().reveal());
        hikari.setAutoCommit(false);
        hikari.setConnectionTimeout(10_000);
        if (config.dialect() == SqlDialect.POSTGRESQL) {
            // A store transaction is a few statements in a row. One that stops moving belongs to a node that froze or
            // lost its host in the middle of it, and the row locks it holds (a fenced write locks the job's lease row)
            // would keep every other node from taking the job over for as long: the server ends such a session.
            hikari.setConnectionInitSql("SET idle_in_transaction_session_timeout = '" + STALLED_TRANSACTION.toSeconds() + "s'");
        }
        return hikari;
    }

    private static FerryException openFailure(StoreConfig config, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN
                    && config.dialect() == SqlDialect.H2) {
                return new FerryException(ErrorCode.FAILED_PRECONDITION,
                        ("Ferry home %s is in use by another ferry process (the %s is locked); stop that process, "
                                + "or start this one with a different home").formatted(config.home(), config.display()), e);
            }
        }
        return new FerryException(ErrorCode.UNAVAILABLE,
                ("Cannot open the metadata store %s; check that it is running and reachable and that the username "
                        + "and password are right (details in the cause)").formatted(config.display()), e);
    }

    /** Closes the pool; the embedded H2 database is shut down so its file is released at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        isolated.shutdown();
        pool.close();
        if (config.dialect() == SqlDialect.H2) {
            shutdownH2();
        }
    }

    private void shutdownH2() {
        try {
            shutdownH2("SHUTDOWN");
        } catch (SQLException e) {
            // A store that failed a write (a full disk) may fail its clean shutdown too; closing it without writing
            // more still releases its file, so this process or the next can open it again.
            try {
                shutdownH2("SHUTDOWN IMMEDIATELY");
                log.atWarn().addKeyValue("store", display()).addKeyValue("error", e.getMessage())
                        .log("the embedded store could not shut down cleanly and was closed at once; what was committed is kept");
            } catch (SQLException again) {
                log.atWarn().addKeyValue("store", display()).setCause(again)
                        .log("could not shut down the embedded store; it is released when this process exits");
            }
        }
    }

    private void shutdownH2(String statement) throws SQLException {
        String password = config.password() == null ? "" : config.password().reveal();
        // After a failed write H2 closes the database by itself, and that close may still hold the file for a moment
        // while the pool's last connection goes: then the shutdown's connection finds the file locked; it waits for it.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Connection connection = DriverManager.getConnection(config.effectiveUrl(), config.effectiveUser(), password);
                    Statement st = connection.createStatement()) {
                st.execute(statement);
                return;
            } catch (SQLException e) {
                if (e.getErrorCode() != org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1 || System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}
