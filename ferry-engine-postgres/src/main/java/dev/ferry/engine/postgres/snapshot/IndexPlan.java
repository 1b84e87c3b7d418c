package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.IndexCatalog;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The indexes built with each table's data, read once from the snapshot on first use: those of the
 * copied tables, keyed by table. The post-data section (dumped at the snapshot) leaves exactly these out
 * ({@link #planned}). A table copy tells the plan which indexes the table has at the end of its copy
 * ({@link #replace}: an index created or dropped meanwhile), and those are the ones built. Thread-safe.
 */
final class IndexPlan {
    private final ExportedSnapshot snapshot;
    private final DatabaseConnection source;
    private final Supplier<Set<TableRef>> tables;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<TableRef, List<IndexDef>> byTable;
    private final Map<TableRef, List<IndexDef>> replaced = new java.util.concurrent.ConcurrentHashMap<>();

    IndexPlan(ExportedSnapshot snapshot, DatabaseConnection source, Supplier<Set<TableRef>> tables) {
        this.snapshot = snapshot;
        this.source = source;
        this.tables = tables;
    }

    /** The indexes of {@code table} to build: as its copy last saw them, else as the snapshot has them. */
    List<IndexDef> of(TableRef table) {
        List<IndexDef> seen = replaced.get(table);
        return seen != null ? seen : load().getOrDefault(table, List.of());
    }

    /** The indexes to build, of every table. */
    List<IndexDef> all() {
        List<IndexDef> all = new ArrayList<>();
        load().forEach((table, planned) -> all.addAll(replaced.getOrDefault(table, planned)));
        replaced.forEach((table, seen) -> {
            if (!load().containsKey(table)) {
                all.addAll(seen);
            }
        });
        return all;
    }

    /** The indexes as the snapshot has them: those the post-data section leaves out. */
    List<IndexDef> planned() {
        List<IndexDef> all = new ArrayList<>();
        load().values().forEach(all::addAll);
        return all;
    }

    /** {@code table}'s indexes as its copy saw them at its end. */
    void replace(TableRef table, List<IndexDef> indexes) {
        load();
        replaced.put(table, List.copyOf(indexes));
    }

    private Map<TableRef, List<IndexDef>> load() {
        lock.lock();
        try {
            if (byTable == null) {
                Set<TableRef> copied = tables.get();
                try (Connection c = snapshot.openImporter(); Statement st = c.createStatement()) {
                    // An empty search_path makes pg_get_indexdef name every schema.
                    st.execute("SET search_path = ''");
                    Map<TableRef, List<IndexDef>> read = IndexCatalog.indexes(c);
                    read.keySet().retainAll(copied);
                    byTable = Map.copyOf(read);
                } catch (SQLException e) {
                    throw PgErrors.translate(e, source, "reading index definitions");
                }
            }
            return byTable;
        } finally {
            lock.unlock();
        }
    }
}
