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
 * copied tables, keyed by table. The post-data section leaves exactly these out. Thread-safe.
 */
final class IndexPlan {
    private final ExportedSnapshot snapshot;
    private final DatabaseConnection source;
    private final Supplier<Set<TableRef>> tables;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<TableRef, List<IndexDef>> byTable;

    IndexPlan(ExportedSnapshot snapshot, DatabaseConnection source, Supplier<Set<TableRef>> tables) {
        this.snapshot = snapshot;
        this.source = source;
        this.tables = tables;
    }

    List<IndexDef> of(TableRef table) {
        return load().getOrDefault(table, List.of());
    }

    List<IndexDef> all() {
        List<IndexDef> all = new ArrayList<>();
        load().values().forEach(all::addAll);
        return all;
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
