package dev.ferry.core.spi.engine;

import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Optional;

/**
 * Statistics gathered on the destination one table at a time while the rest of a database still loads, on one session
 * of its own ({@link Engine#openAnalysis}). {@link Engine#analyze} at the end of the load covers every table this did
 * not. Used by one thread at a time.
 */
public interface Analysis extends AutoCloseable {
    /** Gathers nothing early: every table waits for the end of the load. */
    Analysis NONE = table -> Optional.empty();

    /**
     * Gathers the statistics of {@code table}, whose rows and indexes are in place. Returns the lines
     * {@link Engine#analyze} would return for it, or empty when its statistics must wait for other tables (a
     * PostgreSQL partition is analyzed through its root, once every partition is loaded). Throws as
     * {@link Engine#analyze} does.
     */
    Optional<List<String>> analyze(TableRef table) throws InterruptedException;

    @Override
    default void close() {}
}
