package dev.ferry.control.runner;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Analysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Gathers the statistics of a database's tables one at a time, on one destination session, as their copies finish,
 * while the other tables still load: the load then ends with only the last tables' {@code ANALYZE} left, instead of
 * every table's. A table whose analysis failed or was not reached is left to the final pass
 * ({@link dev.ferry.core.spi.engine.Engine#analyze}), which fails the job as before if the failure persists.
 */
final class AnalysisAlongside implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AnalysisAlongside.class);
    /** Queued to end the session's thread. */
    private static final Optional<TableRef> STOP = Optional.empty();

    private final LinkedBlockingQueue<Optional<TableRef>> copied = new LinkedBlockingQueue<>();
    private final Set<TableRef> analyzed = ConcurrentHashMap.newKeySet();
    private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread worker;

    /** Starts the session's thread; {@code open} is called on it, at the first table. A null {@code open}: none. */
    AnalysisAlongside(String job, String database, Supplier<Analysis> open) {
        this.worker = open == null ? null : Thread.ofVirtual().name("ferry-analyze-" + database).start(() -> run(job, database, open));
    }

    /** {@code table}'s rows and indexes are in place on the destination. Never blocks. */
    void copied(TableRef table) {
        if (worker != null) {
            copied.add(Optional.of(table));
        }
    }

    /**
     * Stops after the statement running now (the tables still waiting are left to the final pass) and returns the
     * tables analyzed; their lines are in {@link #lines}.
     */
    Set<TableRef> finish() throws InterruptedException {
        close();
        if (worker != null) {
            worker.join();
        }
        return Set.copyOf(analyzed);
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Stops without waiting (the load failed): the statement running now ends on its own, and its session with it. */
    @Override
    public void close() {
        copied.clear();
        copied.add(STOP);
    }

    private void run(String job, String database, Supplier<Analysis> open) {
        Analysis analysis = null;
        try {
            for (Optional<TableRef> next = copied.take(); next.isPresent(); next = copied.take()) {
                TableRef table = next.get();
                try {
                    if (analysis == null) {
                        analysis = open.get();
                    }
                    Optional<List<String>> done = analysis.analyze(table);
                    if (done.isPresent()) {
                        lines.addAll(done.get());
                        analyzed.add(table);
                    }
                } catch (RuntimeException e) {
                    // The final pass analyzes it again and reports what still fails; a new session for the next table.
                    log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("table", table)
                            .addKeyValue("error", e.getMessage()).log("analyzing a copied table failed; left to the end of the load");
                    if (analysis != null) {
                        analysis.close();
                        analysis = null;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (analysis != null) {
                analysis.close();
            }
        }
    }
}
