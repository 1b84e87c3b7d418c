package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.engine.mysql.cdc.TableDef.ColumnDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The statement for one shape of row change: which table, which kind, which columns are written and which
 * identify the row. Rows are identified by the primary key when the before image has it, else by every
 * column with {@code <=>} (NULL-safe) and {@code LIMIT 1}. Generated columns are never written or matched.
 * Pure; values are always parameters.
 */
record ChangeSql(String sql, int[] written, int[] matched) {
    private static final Dialect D = Dialect.MYSQL;

    static ChangeSql insert(TableDef t, BitSet included, boolean idempotent) {
        int[] cols = writable(t, included);
        String names = names(t, cols);
        String marks = Arrays.stream(cols).mapToObj(i -> "?").collect(Collectors.joining(", "));
        return new ChangeSql((idempotent ? "REPLACE INTO " : "INSERT INTO ") + table(t) + " (" + names + ") VALUES (" + marks + ")",
                cols, new int[0]);
    }

    static ChangeSql update(TableDef t, BitSet before, BitSet after) {
        int[] set = writable(t, after);
        int[] where = matching(t, before);
        String assignments = Arrays.stream(set).mapToObj(i -> D.quote(t.columns().get(i).name()) + " = ?")
                .collect(Collectors.joining(", "));
        return new ChangeSql("UPDATE " + table(t) + " SET " + assignments + where(t, where), set, where);
    }

    static ChangeSql delete(TableDef t, BitSet before) {
        int[] where = matching(t, before);
        return new ChangeSql("DELETE FROM " + table(t) + where(t, where), new int[0], where);
    }

    /** {@code SELECT 1 ... LIMIT 1} by the primary key, binding the key columns of an image; the table must have one. */
    static ChangeSql exists(TableDef t) {
        if (t.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + t.ref() + " has no primary key");
        }
        int[] key = t.primaryKey().stream().mapToInt(Integer::intValue).toArray();
        return new ChangeSql("SELECT 1 FROM " + table(t) + where(t, key) + " LIMIT 1", new int[0], key);
    }

    /** Whether rows are matched by the primary key (else by all columns). */
    static boolean byKey(TableDef t, BitSet before) {
        return !t.primaryKey().isEmpty() && t.primaryKey().stream().allMatch(before::get);
    }

    private static int[] matching(TableDef t, BitSet before) {
        if (byKey(t, before)) {
            return t.primaryKey().stream().mapToInt(Integer::intValue).toArray();
        }
        return writable(t, before);
    }

    private static String where(TableDef t, int[] cols) {
        if (cols.length == 0) {
            throw new IllegalArgumentException("no column identifies rows of table " + t.ref());
        }
        boolean key = !t.primaryKey().isEmpty() && Arrays.equals(cols,
                t.primaryKey().stream().mapToInt(Integer::intValue).toArray());
        List<String> terms = new ArrayList<>();
        for (int i : cols) {
            ColumnDef c = t.columns().get(i);
            terms.add(D.quote(c.name()) + (key ? " = " : " <=> ") + (c.json() ? "CAST(? AS JSON)" : "?"));
        }
        return " WHERE " + String.join(" AND ", terms) + (key ? "" : " LIMIT 1");
    }

    private static int[] writable(TableDef t, BitSet included) {
        return included.stream().filter(i -> i < t.columns().size() && !t.columns().get(i).generated()).toArray();
    }

    private static String names(TableDef t, int[] cols) {
        return Arrays.stream(cols).mapToObj(i -> D.quote(t.columns().get(i).name())).collect(Collectors.joining(", "));
    }

    private static String table(TableDef t) {
        return D.quote(t.ref().schema(), t.ref().table());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeSql other && sql.equals(other.sql) && Arrays.equals(written, other.written)
                && Arrays.equals(matched, other.matched);
    }

    @Override
    public int hashCode() {
        return sql.hashCode();
    }

    @Override
    public String toString() {
        return sql;
    }
}
