package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Set-based statements for many rows of one table at once, by primary key: {@code DELETE ... WHERE (k1, k2) IN
 * ((?, ?), ...)}, a multi-row {@code INSERT}, and an {@code UPDATE} joined to a derived table of the new values
 * ({@code UPDATE t JOIN (SELECT ? AS k0, ? AS c0 UNION ALL SELECT ?, ? ...) v ON t.k = v.k0 SET t.c = v.c0}). Each
 * statement lists {@code columns}: the table columns whose values it binds, in order, for every row, the first
 * {@code fromOld} of them from the row's old image, the others from its new image. Generated columns are never
 * written. Pure; values are always parameters.
 */
record NetSql(String sql, int[] columns, int fromOld, int rows) {
    private static final Dialect D = Dialect.MYSQL;
    private static final String T = D.quote("ferry_t");
    private static final String V = D.quote("ferry_v");

    /** Deletes {@code rows} rows by primary key; binds the key columns of each row's old image. */
    static NetSql delete(TableDef t, int rows) {
        int[] key = key(t);
        String keys = key.length == 1 ? name(t, key[0]) : "(" + names(t, key) + ")";
        String tuple = key.length == 1 ? "?" : "(" + marks(key.length) + ")";
        return new NetSql("DELETE FROM " + table(t) + " WHERE " + keys + " IN (" + repeat(tuple, rows) + ")", key, key.length, rows);
    }

    /** Inserts {@code rows} rows of the columns an image holds. */
    static NetSql insert(TableDef t, BitSet image, int rows) {
        int[] cols = writable(t, image);
        return new NetSql("INSERT INTO " + table(t) + " (" + names(t, cols) + ") VALUES " + repeat("(" + marks(cols.length) + ")", rows),
                cols, 0, rows);
    }

    /**
     * Updates {@code rows} rows found by primary key, setting the columns of {@code image} that are not part of the key
     * (every column when the table has nothing else). Binds per row the key columns of the old image, then the set
     * columns of the new image.
     */
    static NetSql update(TableDef t, BitSet image, int rows) {
        int[] key = key(t);
        int[] set = writable(t, image);
        int[] nonKey = Arrays.stream(set).filter(c -> !t.primaryKey().contains(c)).toArray();
        if (nonKey.length > 0) {
            set = nonKey;
        }
        List<String> first = new ArrayList<>();
        for (int i = 0; i < key.length; i++) {
            first.add("? AS " + D.quote("k" + i));
        }
        for (int i = 0; i < set.length; i++) {
            first.add("? AS " + D.quote("c" + i));
        }
        String rest = " UNION ALL SELECT " + marks(key.length + set.length);
        StringBuilder derived = new StringBuilder("SELECT ").append(String.join(", ", first));
        for (int r = 1; r < rows; r++) {
            derived.append(rest);
        }
        String on = IntStream.range(0, key.length)
                .mapToObj(i -> T + "." + name(t, key[i]) + " = " + V + "." + D.quote("k" + i)).collect(Collectors.joining(" AND "));
        int[] setCols = set;
        String assignments = IntStream.range(0, set.length)
                .mapToObj(i -> T + "." + name(t, setCols[i]) + " = " + V + "." + D.quote("c" + i)).collect(Collectors.joining(", "));
        int[] columns = IntStream.concat(Arrays.stream(key), Arrays.stream(set)).toArray();
        return new NetSql("UPDATE " + table(t) + " AS " + T + " JOIN (" + derived + ") AS " + V + " ON " + on + " SET " + assignments,
                columns, key.length, rows);
    }

    private static int[] key(TableDef t) {
        if (t.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + t.ref() + " has no primary key");
        }
        return t.primaryKey().stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] writable(TableDef t, BitSet image) {
        return image.stream().filter(i -> i < t.columns().size() && !t.columns().get(i).generated()).toArray();
    }

    private static String table(TableDef t) {
        return D.quote(t.ref().schema(), t.ref().table());
    }

    private static String name(TableDef t, int col) {
        return D.quote(t.columns().get(col).name());
    }

    private static String names(TableDef t, int[] cols) {
        return Arrays.stream(cols).mapToObj(i -> name(t, i)).collect(Collectors.joining(", "));
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static String repeat(String s, int n) {
        return String.join(", ", java.util.Collections.nCopies(n, s));
    }

    @Override
    public String toString() {
        return sql;
    }
}
