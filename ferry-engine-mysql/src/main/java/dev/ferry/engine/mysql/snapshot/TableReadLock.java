package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps tables that a consistent-snapshot transaction cannot cover (MyISAM, Aria, MEMORY...) read-locked from
 * the global read lock until each is copied, so their rows match the snapshot's position. Each table is locked by
 * a session of its own, released as soon as that table is copied, so its writers wait only for its own copy (and
 * the snapshot copies these tables first). With more than {@value #MAX_SESSIONS} such tables they share sessions,
 * and a shared session is released when the last of its tables is copied. Thread-safe.
 */
final class TableReadLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TableReadLock.class);
    static final int MAX_SESSIONS = 16;

    /** One session's tables, locked by {@code LOCK TABLES ... READ}. */
    private static final class Group {
        final Connection session;
        final Set<TableRef> pending;
        boolean released;

        Group(Connection session, Set<TableRef> tables) {
            this.session = session;
            this.pending = new HashSet<>(tables);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Group> groups = new ArrayList<>();
    private final Map<TableRef, Group> byTable = new HashMap<>();

    /** The tables of {@code tables} spread over at most {@value #MAX_SESSIONS} groups, in order. */
    static List<Set<TableRef>> groups(Set<TableRef> tables) {
        int count = Math.min(MAX_SESSIONS, tables.size());
        List<Set<TableRef>> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            groups.add(new LinkedHashSet<>());
        }
        int i = 0;
        for (TableRef t : tables) {
            groups.get(i++ % count).add(t);
        }
        return groups;
    }

    /** The statement that locks one group's tables. */
    static String lockStatement(Set<TableRef> tables) {
        return tables.stream().map(t -> dev.ferry.core.Dialect.MYSQL.quote(t.schema(), t.table()) + " READ")
                .collect(Collectors.joining(", ", "LOCK TABLES ", ""));
    }

    /** Takes over sessions that each hold {@code LOCK TABLES ... READ} on their group of tables. */
    TableReadLock(Map<Connection, Set<TableRef>> sessions) {
        sessions.forEach((session, tables) -> {
            Group group = new Group(session, tables);
            groups.add(group);
            tables.forEach(t -> byTable.put(t, group));
        });
    }

    /** Whether {@code table} is one of the read-locked tables still waiting for its copy. */
    boolean holds(TableRef table) {
        lock.lock();
        try {
            Group group = byTable.get(table);
            return group != null && !group.released && group.pending.contains(table);
        } finally {
            lock.unlock();
        }
    }

    /** Marks a table copied; the last table of its session releases that session's locks. */
    void copied(TableRef table) {
        lock.lock();
        try {
            Group group = byTable.get(table);
            if (group != null && group.pending.remove(table) && group.pending.isEmpty()) {
                release(group);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            groups.forEach(TableReadLock::release);
        } finally {
            lock.unlock();
        }
    }

    private static void release(Group group) {
        if (group.released) {
            return;
        }
        group.released = true;
        try (Connection c = group.session) {
            Sql.execute(c, "UNLOCK TABLES");
        } catch (SQLException e) {
            // Closing the session releases its table locks anyway.
            log.atDebug().addKeyValue("error", e.getMessage()).log("UNLOCK TABLES failed; the connection is closed instead");
        }
        log.atInfo().addKeyValue("tables", group.pending.isEmpty() ? "copied" : group.pending.toString())
                .log("non-transactional tables unlocked");
    }
}
