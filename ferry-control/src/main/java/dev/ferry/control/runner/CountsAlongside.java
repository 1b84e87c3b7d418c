package dev.ferry.control.runner;

import dev.ferry.core.concurrent.Concurrently;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A one-time job's row counts of one database, taken as early as each side allows: a table's rows on the destination
 * as soon as they are all loaded (nothing else writes them), while its indexes build and the other tables still load;
 * every table's rows on the source once every table's rows are loaded ({@link #sourceNow}, else {@link #finish}), so a
 * source written during the copy still shows in the comparison. The load then ends without a scan of every table on
 * both sides after its last step. The destination's counts run on a thread of their own, a batch of the tables loaded
 * meanwhile per session; a table not counted early (one whose count failed) is counted at the end.
 */
final class CountsAlongside implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CountsAlongside.class);
    /** Queued to end the destination thread once the tables queued before it are counted. */
    private static final Optional<TableRef> END = Optional.empty();

    private final String job;
    private final Engine engine;
    private final DatabaseConnection source;
    private final DatabaseConnection destination;
    private final String database;
    private final LinkedBlockingQueue<Optional<TableRef>> copied = new LinkedBlockingQueue<>();
    private final Map<TableRef, Long> destinationRows = new ConcurrentHashMap<>();
    private final java.util.Set<TableRef> queued = ConcurrentHashMap.newKeySet();
    private final Thread worker;
    private volatile boolean finishing;
    /** The source's counts started by {@link #sourceNow}, and the tables they count. */
    private volatile CompletableFuture<Map<TableRef, Long>> sourceRows;
    private volatile List<TableRef> sourceTables;

    /** {@code source} and {@code destination} are the servers; their connections to {@code database} are made here. */
    CountsAlongside(String job, Engine engine, DatabaseConnection source, DatabaseConnection destination, String database) {
        this.job = job;
        this.engine = engine;
        this.source = source.withDatabase(database);
        this.destination = destination.withDatabase(database);
        this.database = database;
        this.worker = Thread.ofVirtual().name("ferry-count-" + database).start(this::countCopied);
    }

    /**
     * {@code table}'s rows are all on the destination: they are counted there (again, when the copy loaded them again).
     * Never blocks.
     */
    void loaded(TableRef table) {
        queued.add(table);
        copied.add(Optional.of(table));
    }

    /** {@code table}'s copy is done: counted on the destination unless {@link #loaded} queued it. Never blocks. */
    void copied(TableRef table) {
        if (queued.add(table)) {
            copied.add(Optional.of(table));
        }
    }

    /**
     * Every table's rows are loaded (indexes and the schema after the data may still be building): counts {@code tables}
     * on the source now, on a thread of their own, for {@link #finish} to compare.
     */
    void sourceNow(List<TableRef> tables) {
        sourceTables = List.copyOf(tables);
        sourceRows = Concurrently.start("ferry-row-counts-source-" + database, () -> engine.countRows(source, database, tables));
    }

    /**
     * Every table is copied and its schema complete: counts {@code tables} (the database's, in the job's order) on the
     * source now, and on the destination those not counted yet, on a thread of its own. The future fails when a count
     * does.
     */
    CompletableFuture<List<TableComparison>> finish(List<TableRef> tables) {
        finishing = true;
        copied.add(END);
        return Concurrently.start("ferry-row-counts-" + database, () -> compare(tables));
    }

    /** Stops without waiting (the load failed), unless {@link #finish} was called: its counts go on to their end. */
    @Override
    public void close() {
        if (!finishing) {
            copied.clear();
            copied.add(END);
        }
    }

    /**
     * Counts the source on a thread of its own while the destination's last counts end here, unless {@link #sourceNow}
     * started counting these tables already.
     */
    private List<TableComparison> compare(List<TableRef> tables) {
        var early = sourceRows;
        var sourceCounted = early != null && tables.equals(sourceTables) ? early
                : Concurrently.start("ferry-row-counts-source-" + database, () -> engine.countRows(source, database, tables));
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the destination's row counts", e);
        }
        List<TableRef> left = tables.stream().filter(t -> !destinationRows.containsKey(t)).toList();
        if (!left.isEmpty()) {
            destinationRows.putAll(engine.countRows(destination, database, left));
        }
        return RowCounts.compared(database, tables, Concurrently.join(sourceCounted), destinationRows);
    }

    private void countCopied() {
        try {
            for (Optional<TableRef> next = copied.take(); next.isPresent(); next = copied.take()) {
                // The tables copied while the last batch was counted go on one session.
                List<Optional<TableRef>> batch = new ArrayList<>(List.of(next));
                copied.drainTo(batch);
                boolean end = batch.remove(END);
                List<TableRef> tables = batch.stream().map(Optional::get).toList();
                try {
                    destinationRows.putAll(engine.countRows(destination, database, tables));
                } catch (RuntimeException e) {
                    // Counted again once the whole database is copied, where a failure that persists fails the count.
                    log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("tables", tables.size())
                            .addKeyValue("error", e.getMessage()).log("counting copied rows failed; left to the end of the load");
                }
                if (end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
