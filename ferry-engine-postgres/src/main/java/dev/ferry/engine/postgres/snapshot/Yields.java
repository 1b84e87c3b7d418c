package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.TableRef;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The table copies that must give way, each to the session that waits for its lock: the lock watcher marks
 * a copy before it ends the copy's sessions, and the copy, seeing its sessions fail, takes the mark and
 * starts over after the waiter. Thread-safe.
 */
final class Yields {
    /** A session waiting for a lock: its backend pid, the start of its transaction, and its statement's shape. */
    record Waiter(int pid, String transactionStart, String shape) {}

    private final Map<TableRef, Waiter> marked = new ConcurrentHashMap<>();

    /** Marks {@code table}'s copy to give way to {@code waiter}; false when it already gives way to another one. */
    boolean mark(TableRef table, Waiter waiter) {
        Waiter before = marked.putIfAbsent(table, waiter);
        return before == null || before.equals(waiter);
    }

    /** True when {@code table}'s copy is marked to give way. */
    boolean marked(TableRef table) {
        return marked.containsKey(table);
    }

    /** The waiter {@code table}'s copy gives way to, removing the mark. */
    Optional<Waiter> take(TableRef table) {
        return Optional.ofNullable(marked.remove(table));
    }
}
