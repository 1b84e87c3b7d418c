package dev.ferry.control.validate;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.validate.KeyRange;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which key ranges of a replicating job's tables were validated clean, and which changes replication handed out since
 * made dirty, so that a promotion validates only those again. A table's ranges are located exactly when its key is one
 * integer column (the usual id); for any other key a change makes the whole table dirty. Kept in memory by the server
 * that replicates the job: after Ferry restarts, a promotion validates everything. Thread-safe.
 */
public final class ChunkLedger {
    private final Map<String, Map<Table, Entry>> jobs = new ConcurrentHashMap<>();

    private record Table(String database, TableRef table) {}

    /** A table's planned ranges and their state; guarded by itself. */
    private static final class Entry {
        final List<KeyRange> ranges;
        /** Lower bounds of ranges 1..n-1 as integers, or null when the key is not one integer column. */
        final long[] bounds;
        final BitSet clean = new BitSet();
        final BitSet dirty = new BitSet();
        boolean wholeDirty;

        Entry(List<KeyRange> ranges) {
            this.ranges = List.copyOf(ranges);
            this.bounds = integerBounds(ranges);
        }

        int locate(Object key) {
            if (bounds == null || !(key instanceof List<?> values) || values.size() != 1) {
                return -1;
            }
            Long k = integer(values.getFirst());
            if (k == null || k < 0 && bounds.length > 0 && bounds[0] >= 0) {
                // Not a number, or a negative one where the table holds none: perhaps an unsigned value read as
                // signed. Not located, so the whole table counts as changed.
                return -1;
            }
            int lo = 0;
            int hi = bounds.length; // range i covers [bounds[i-1], bounds[i])
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (bounds[mid] <= k) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** Starts tracking {@code ranges} of a table (replacing what was tracked for it): none is clean yet. */
    public void plan(String job, String database, TableRef table, List<KeyRange> ranges) {
        jobs.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(new Table(database, table), new Entry(ranges));
    }

    /** Range {@code index} is about to be read on the source: changes from now on make it dirty again. */
    public void begin(String job, String database, TableRef table, int index) {
        Entry e = entry(job, database, table);
        if (e != null) {
            synchronized (e) {
                e.dirty.clear(index);
                e.clean.clear(index);
            }
        }
    }

    /** Range {@code index} compared equal (once replication caught up with its source read). */
    public void clean(String job, String database, TableRef table, int index) {
        Entry e = entry(job, database, table);
        if (e != null) {
            synchronized (e) {
                e.clean.set(index);
            }
        }
    }

    /**
     * Replication handed out a change of {@code table} with {@code key} (the engine's key of the row: its values);
     * {@code table} null means anything in the database may have changed, {@code key} null the whole table.
     */
    public void changed(String job, String database, TableRef table, Object key) {
        Map<Table, Entry> tables = jobs.get(job);
        if (tables == null || tables.isEmpty()) {
            return;
        }
        if (table == null) {
            tables.forEach((t, e) -> {
                if (t.database().equals(database)) {
                    synchronized (e) {
                        e.wholeDirty = true;
                    }
                }
            });
            return;
        }
        Entry e = tables.get(new Table(database, table));
        if (e == null) {
            return;
        }
        int index = key == null ? -1 : e.locate(key);
        synchronized (e) {
            if (index < 0) {
                e.wholeDirty = true;
            } else {
                e.dirty.set(index);
            }
        }
    }

    /**
     * The ranges of a table a promotion must validate: null when the table was never planned (all of it); otherwise
     * those not clean or dirtied since, by index (all of them when a change could not be located).
     */
    public Pending pending(String job, String database, TableRef table) {
        Entry e = entry(job, database, table);
        if (e == null) {
            return null;
        }
        synchronized (e) {
            BitSet todo = new BitSet(e.ranges.size());
            if (e.wholeDirty) {
                todo.set(0, e.ranges.size());
            } else {
                todo.set(0, e.ranges.size());
                todo.andNot(e.clean);
                todo.or(e.dirty);
            }
            return new Pending(e.ranges, todo);
        }
    }

    /** A table's planned ranges and which of them need validating. */
    public record Pending(List<KeyRange> ranges, BitSet todo) {
        public int count() {
            return todo.cardinality();
        }
    }

    /** Forgets the job (its replication ended). */
    public void forget(String job) {
        jobs.remove(job);
    }

    private Entry entry(String job, String database, TableRef table) {
        Map<Table, Entry> tables = jobs.get(job);
        return tables == null ? null : tables.get(new Table(database, table));
    }

    private static long[] integerBounds(List<KeyRange> ranges) {
        long[] bounds = new long[Math.max(0, ranges.size() - 1)];
        for (int i = 1; i < ranges.size(); i++) {
            List<String> from = ranges.get(i).from();
            Long v = from == null || from.size() != 1 ? null : integer(from.getFirst());
            if (v == null) {
                return null;
            }
            bounds[i - 1] = v;
        }
        return bounds;
    }

    private static Long integer(Object value) {
        try {
            return switch (value) {
                case Long l -> l;
                case Integer i -> (long) i;
                case Short s -> (long) s;
                case Byte b -> (long) b;
                case java.math.BigInteger b -> b.longValueExact();
                case java.math.BigDecimal d -> d.longValueExact();
                case String s -> Long.parseLong(s.trim());
                case null, default -> null;
            };
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
