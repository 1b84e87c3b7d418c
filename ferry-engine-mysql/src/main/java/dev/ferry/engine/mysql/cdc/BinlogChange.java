package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.cdc.RowChange;
import dev.ferry.core.model.TableRef;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * One row of a binlog rows event, as the pipeline and the destination need it: the destination table's definition, the
 * table map's column types, the images as the binlog gave them ({@code before} and {@code after} say which columns
 * each holds; the event's sets and types are shared by its rows), and where its transaction is in the source's binlog
 * (for messages). {@code keyValues} is the primary-key values of the row (the new image's for an INSERT, the old image's
 * otherwise), null when the table has no primary key or the image lacks part of it. Immutable but for the arrays,
 * which nobody changes once decoded.
 */
record BinlogChange(TableDef def, byte[] types, Op op, BitSet before, BitSet after, Serializable[] beforeRow,
        Serializable[] afterRow, String position, List<Object> keyValues, boolean keyChanged, boolean wholeTable, long bytes)
        implements RowChange {
    /** Fields of the record and its key list, beside the images: headers, references, the list and its array. */
    private static final long OVERHEAD = 120;

    /** A change of one row; its key, whether it moves the row to another key, and its size are worked out here. */
    static BinlogChange of(TableDef def, byte[] types, Op op, BitSet before, BitSet after, Serializable[] beforeRow,
            Serializable[] afterRow, String position) {
        List<Object> key = op == Op.INSERT ? key(def, after, afterRow) : key(def, before, beforeRow);
        boolean keyChanged = op == Op.UPDATE && key != null && movesKey(def, before, beforeRow, after, afterRow);
        boolean wholeTable = def.primaryKey().isEmpty() || def.otherUnique() || !def.transactional();
        long bytes = OVERHEAD + bytes(beforeRow) + bytes(afterRow) + (key == null ? 0 : 16L * key.size());
        return new BinlogChange(def, types, op, before, after, beforeRow, afterRow, position, key, keyChanged, wholeTable, bytes);
    }

    /**
     * The compaction of two changes of one row (see {@link dev.ferry.core.cdc.ChangeMerger}): an INSERT then an UPDATE is
     * an INSERT of the UPDATE's new image, two UPDATEs are one UPDATE from the first's old image (which finds the row)
     * to the second's new image. Only whole new images merge: with binlog_row_image other than FULL an image lacks
     * columns, and the result would not set them, so this returns null and the batch is applied in source order.
     */
    static BinlogChange merge(BinlogChange earlier, BinlogChange later) {
        if (later.op != Op.UPDATE || earlier.op == Op.DELETE || earlier.def != later.def || later.keyChanged
                || !whole(earlier.def, earlier.after) || !whole(later.def, later.after)) {
            return null;
        }
        long bytes = OVERHEAD + bytes(earlier.beforeRow) + bytes(later.afterRow) + (earlier.keyValues == null ? 0 : 16L * earlier.keyValues.size());
        return new BinlogChange(earlier.def, later.types, earlier.op, earlier.before, later.after, earlier.beforeRow,
                later.afterRow, later.position, earlier.keyValues, false, earlier.wholeTable, bytes);
    }

    /** Whether an image holds every column the destination stores (generated ones are computed there). */
    static boolean whole(TableDef def, BitSet image) {
        if (image == null) {
            return false;
        }
        for (int i = 0; i < def.columns().size(); i++) {
            if (!def.columns().get(i).generated() && !image.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public TableRef table() {
        return def.ref();
    }

    @Override
    public Object key() {
        return keyValues;
    }

    /** The value of column {@code col} in an image, or null when the image does not hold it (or holds NULL). */
    static Serializable value(Serializable[] row, BitSet included, int col) {
        if (row == null || included == null || !included.get(col)) {
            return null;
        }
        return row[included.get(0, col).cardinality()];
    }

    /** The primary-key values of an image, comparable with equals (binary strings wrapped), or null. */
    static List<Object> key(TableDef def, BitSet included, Serializable[] row) {
        if (def.primaryKey().isEmpty() || row == null) {
            return null;
        }
        List<Object> values = new ArrayList<>(def.primaryKey().size());
        for (int col : def.primaryKey()) {
            if (!included.get(col)) {
                return null;
            }
            Serializable v = value(row, included, col);
            if (v == null) {
                return null;
            }
            values.add(v instanceof byte[] b ? new Bytes(b) : v);
        }
        return List.copyOf(values);
    }

    /** Whether the new image gives the row other primary-key values than the old one. */
    private static boolean movesKey(TableDef def, BitSet before, Serializable[] beforeRow, BitSet after, Serializable[] afterRow) {
        for (int col : def.primaryKey()) {
            if (after.get(col) && !same(value(beforeRow, before, col), value(afterRow, after, col))) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(Serializable a, Serializable b) {
        return a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : Objects.equals(a, b);
    }

    /**
     * About how many bytes of heap an image holds: the array and each boxed value (compressed references, 16-byte
     * headers, strings counted as two bytes a character).
     */
    static long bytes(Serializable[] row) {
        if (row == null) {
            return 0;
        }
        long n = 16 + 4L * row.length;
        for (Serializable v : row) {
            n += switch (v) {
                case null -> 0;
                case byte[] b -> 16 + align(b.length);
                case String s -> 40 + align(2L * s.length());
                case BigDecimal d -> 40 + 32 + align(4L * (d.unscaledValue().bitLength() / 32 + 1));
                case Integer i -> 16;
                case Long l -> 24;
                case Double d -> 24;
                case Float f -> 16;
                default -> 32;
            };
        }
        return n;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * A binary value as a key part: equal when the bytes are. The hash ignores ASCII case and trailing spaces, so that
     * keys a case-insensitive or space-padding collation takes for one row (a row deleted as 'a' and inserted again as
     * 'A ') go to the same apply partition, where deletes run before inserts, while they stay two keys for compaction.
     * Stable across runs: the apply partition of a key must not change between a crash and the restart.
     */
    record Bytes(byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            int end = value.length;
            while (end > 0 && value[end - 1] == ' ') {
                end--;
            }
            int h = 1;
            for (int i = 0; i < end; i++) {
                byte b = value[i];
                h = 31 * h + (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
            }
            return h;
        }

        @Override
        public String toString() {
            return "Bytes[" + value.length + "]";
        }
    }
}
