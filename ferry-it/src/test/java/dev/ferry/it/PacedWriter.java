package dev.ferry.it;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TableRef;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a source database at a steady pace, one autocommit write every period: inserts, updates and deletes of
 * {@code account} (a key), and with each of them one row appended to {@code entry} (no key, so a change applied twice
 * shows as a duplicate row). A failed write stops the writer and fails {@link #close} with it, so a background failure
 * fails the test; the random seed is logged for a replay. The tables come from {@link #fixture}.
 */
final class PacedWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PacedWriter.class);
    private static final int ACCOUNTS = 2000;

    private final TestDatabase db;
    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final PreparedStatement append;
    private final Random random;
    private final AtomicLong writes = new AtomicLong();
    private final ScheduledExecutorService pace;
    private final ScheduledFuture<?> task;

    private PacedWriter(TestDatabase db, Duration period, long seed) throws SQLException {
        this.db = db;
        this.connection = db.open();
        this.insert = connection.prepareStatement("INSERT INTO account (owner, balance) VALUES (?, ?)");
        this.update = connection.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
        this.delete = connection.prepareStatement("DELETE FROM account WHERE id = ?");
        this.append = connection.prepareStatement("INSERT INTO entry (seq, note) VALUES (?, ?)");
        this.random = new Random(seed);
        this.pace = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("writer-" + db.name()).factory());
        this.task = pace.scheduleAtFixedRate(this::step, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts writing to {@code db} (made by {@link #fixture}) once every {@code period}. */
    static PacedWriter start(TestDatabase db, Duration period) throws SQLException {
        long seed = System.nanoTime();
        log.atInfo().addKeyValue("database", db.name()).addKeyValue("seed", seed).log("writer starting");
        return new PacedWriter(db, period, seed);
    }

    /** Statements that create {@code account} with {@value #ACCOUNTS} rows and an empty {@code entry}. */
    static String[] fixture(EngineKind engine) {
        return switch (engine) {
            case POSTGRESQL -> new String[] {
                "CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2))",
                "INSERT INTO account (owner, balance) SELECT 'o' || g, g FROM generate_series(1, %d) g".formatted(ACCOUNTS),
                "CREATE TABLE entry (seq bigint NOT NULL, note text)"};
            case MYSQL -> new String[] {
                "CREATE TABLE account (id BIGINT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(40), balance DECIMAL(14,2))",
                "INSERT INTO account (owner, balance) SELECT concat('o', seq), seq FROM seq_1_to_%d".formatted(ACCOUNTS),
                "CREATE TABLE entry (seq BIGINT NOT NULL, note VARCHAR(100))"};
        };
    }

    /** The tables of {@link #fixture} as the engine's content hashes name them. */
    static List<TableRef> tables(EngineKind engine, TestDatabase db) {
        String schema = engine == EngineKind.POSTGRESQL ? "public" : db.name();
        return List.of(new TableRef(schema, "account"), new TableRef(schema, "entry"));
    }

    private void step() {
        try {
            long n = writes.get() + 1;
            long id = 1 + random.nextInt(ACCOUNTS + (int) n / 3);
            int op = random.nextInt(10);
            if (op < 4) {
                insert.setString(1, "w" + n);
                insert.setLong(2, n);
                insert.executeUpdate();
            } else if (op < 9) {
                update.setLong(1, 1 + random.nextInt(100));
                update.setLong(2, id);
                update.executeUpdate();
            } else {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            append.setLong(1, n);
            append.setString(2, "write " + n + " op " + op);
            append.executeUpdate();
            writes.set(n);
        } catch (SQLException e) {
            throw new IllegalStateException("writing to " + db.name() + " failed", e);
        }
    }

    /** How many writes committed so far; throws what made the writer stop, if it did. */
    long writes() {
        if (task.isDone() && !task.isCancelled()) {
            try {
                task.get();
            } catch (ExecutionException e) {
                throw new AssertionError("the writer of " + db.name() + " stopped after " + writes.get() + " writes", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return writes.get();
    }

    /** Stops writing (once; later calls do nothing); throws what made the writer stop early, if anything did. */
    @Override
    public void close() throws SQLException {
        if (pace.isShutdown()) {
            return;
        }
        task.cancel(false); // a task that failed stays failed: writes() below throws its failure
        pace.shutdown();
        try {
            pace.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
        writes();
    }
}
