package dev.ferry.core.cdc;

import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.model.TableRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The net effect of one partition's batch, by table and key, kept beside the changes themselves in source order. For
 * each key at most a delete and then an upsert remain: an insert followed by a delete vanishes, repeated updates keep
 * the final row, a delete followed by an insert is a delete then an insert. Anything that makes no sense as a net
 * change (an update of a row the batch deleted, a second insert of one key) or that the engine cannot merge turns the
 * batch to source order: {@link #inOrder()} is then true and the sink gets every change as it came. Changes without a
 * key are kept in source order per table. Not thread-safe.
 *
 * @param <C> the engine's row change type
 */
public final class NetChanges<C extends RowChange> {
    /** One table's net changes; {@code inOrder} holds the changes of a table without a usable key, in source order. */
    public record TableChanges<C>(TableRef table, List<C> deletes, List<C> inserts, List<C> updates, List<C> inOrder) {
        /** How many row writes these changes make. */
        public int size() {
            return deletes.size() + inserts.size() + updates.size() + inOrder.size();
        }
    }

    private static final class Entry<C> {
        C delete;
        C upsert;
    }

    private final ChangeMerger<C> merger;
    private final List<C> changes = new ArrayList<>();
    private final Map<TableRef, Map<Object, Entry<C>>> byKey = new LinkedHashMap<>();
    private final Map<TableRef, List<C>> unkeyed = new LinkedHashMap<>();
    /** Rows inserted and deleted in this batch: gone, so a later update or delete of one cannot be a net change. */
    private final Set<Entry<C>> vanished = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean inOrder;
    private long bytes;

    public NetChanges(ChangeMerger<C> merger) {
        this.merger = merger;
    }

    public void add(C change) {
        changes.add(change);
        bytes += change.bytes();
        if (inOrder) {
            return;
        }
        Object key = change.key();
        if (key == null ? byKey.containsKey(change.table()) : unkeyed.containsKey(change.table())) {
            inOrder = true;
            return;
        }
        if (key == null) {
            unkeyed.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
            return;
        }
        Entry<C> e = byKey.computeIfAbsent(change.table(), t -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new Entry<>());
        // Each branch is one row's history: absent or present before the batch, then what the batch did to it.
        C up = e.upsert;
        switch (change.op()) {
            case INSERT -> {
                if (up != null) {
                    inOrder = true;
                } else {
                    e.upsert = change;
                }
            }
            case UPDATE -> {
                if (up == null) {
                    if (e.delete != null || wasInserted(e)) {
                        inOrder = true;
                    } else {
                        e.upsert = change;
                    }
                } else {
                    C merged = merger.merge(up, change);
                    if (merged == null || merged.op() != up.op()) {
                        inOrder = true;
                    } else {
                        e.upsert = merged;
                        bytes += merged.bytes();
                    }
                }
            }
            case DELETE -> {
                if (up == null) {
                    if (e.delete != null || wasInserted(e)) {
                        inOrder = true;
                    } else {
                        e.delete = change;
                    }
                } else if (up.op() == Op.INSERT) {
                    e.upsert = null;
                    markInsertedAndGone(e);
                } else {
                    e.upsert = null;
                    e.delete = change;
                }
            }
        }
    }

    private boolean wasInserted(Entry<C> e) {
        return vanished.contains(e);
    }

    private void markInsertedAndGone(Entry<C> e) {
        vanished.add(e);
    }

    /** True when the batch must be applied change by change in source order. */
    public boolean inOrder() {
        return inOrder;
    }

    /** Every change of the batch, in source order. */
    public List<C> changes() {
        return changes;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** About how many bytes the batch holds (its changes and the merged images). */
    public long bytes() {
        return bytes;
    }

    /** The net changes per table, in the order tables were first changed; only when not {@link #inOrder()}. */
    public List<TableChanges<C>> tables() {
        if (inOrder) {
            throw new IllegalStateException("the batch is applied in source order");
        }
        List<TableChanges<C>> tables = new ArrayList<>();
        for (var table : byKey.entrySet()) {
            List<C> deletes = new ArrayList<>();
            List<C> inserts = new ArrayList<>();
            List<C> updates = new ArrayList<>();
            for (Entry<C> e : table.getValue().values()) {
                if (e.delete != null) {
                    deletes.add(e.delete);
                }
                if (e.upsert != null) {
                    (e.upsert.op() == Op.INSERT ? inserts : updates).add(e.upsert);
                }
            }
            tables.add(new TableChanges<>(table.getKey(), deletes, inserts, updates,
                    unkeyed.getOrDefault(table.getKey(), List.of())));
        }
        for (var table : unkeyed.entrySet()) {
            if (!byKey.containsKey(table.getKey())) {
                tables.add(new TableChanges<>(table.getKey(), List.of(), List.of(), List.of(), table.getValue()));
            }
        }
        return tables;
    }
}
