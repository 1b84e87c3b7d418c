package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Column;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Delete;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Insert;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Tuple;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Update;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Turns one decoded row change into the destination statement that applies it: which statement
 * (its {@link Shape}, the cache key), and the text values to bind in order. Unchanged TOASTed values
 * are left out of SET lists and row matches, so they are never overwritten. Updates and deletes find
 * their row by the replica identity key, or, for REPLICA IDENTITY FULL, by the whole old row (exactly
 * one row, through its ctid); without either they are {@link Unsupported}. An INSERT into a table with a
 * primary key skips a row whose key is already there ({@code ON CONFLICT (key) DO NOTHING}), so that its
 * affected-row count of 0 tells the caller the destination diverged. Pure.
 */
final class ChangePlanner {
    /**
     * Types without an equality operator (json, xml and geometric types and their arrays): a whole-row
     * match compares their text forms instead.
     */
    private static final Set<Integer> NO_EQUALITY =
            Set.of(114, 199, 142, 143, 600, 1017, 601, 1018, 602, 1019, 603, 1020, 604, 1027, 628, 629, 718, 719);

    enum Kind {
        INSERT, UPDATE_BY_KEY, UPDATE_BY_ROW, DELETE_BY_KEY, DELETE_BY_ROW;

        /** The SQL verb: INSERT, UPDATE or DELETE. */
        String verb() {
            int cut = name().indexOf('_');
            return cut < 0 ? name() : name().substring(0, cut);
        }
    }

    /** One statement text: the relation, the kind, and which columns it sets and matches ('1' in a mask). */
    record Shape(int relationOid, Kind kind, String setMask, String whereMask) {}

    sealed interface Plan {}

    /** Run the statement of {@code shape} with {@code values} (null entries are SQL NULL). */
    record Statement(Shape shape, String[] values) implements Plan {}

    /** The change cannot be applied faithfully; {@code what} says why, for the listener. */
    record Unsupported(String what) implements Plan {}

    /** The change has nothing to apply (every column it would set is unchanged). */
    record Nothing() implements Plan {}

    private ChangePlanner() {}

    static Plan plan(Relation rel, Insert insert) {
        Tuple row = checked(rel, insert.newTuple());
        String mask = mask(row, null);
        return new Statement(new Shape(rel.oid(), Kind.INSERT, mask, ""), values(row, mask));
    }

    static Plan plan(Relation rel, Update update) {
        Tuple row = checked(rel, update.newTuple());
        String set = mask(row, null);
        if (set.indexOf('1') < 0) {
            return new Nothing();
        }
        if (update.oldKind() == 'O' || rel.identityFull()) {
            if (update.oldTuple() == null) {
                return new Unsupported("UPDATE without the old row of a REPLICA IDENTITY FULL table");
            }
            Tuple old = checked(rel, update.oldTuple());
            String where = mask(old, null);
            return new Statement(new Shape(rel.oid(), Kind.UPDATE_BY_ROW, set, where), concat(row, set, old, where));
        }
        if (!rel.hasKey()) {
            return new Unsupported("UPDATE without replica identity");
        }
        Tuple key = update.oldTuple() != null ? checked(rel, update.oldTuple()) : row;
        String where = keyMask(rel);
        if (!allPresent(key, where)) {
            return new Unsupported("UPDATE whose key value was not sent (unchanged TOAST)");
        }
        return new Statement(new Shape(rel.oid(), Kind.UPDATE_BY_KEY, set, where), concat(row, set, key, where));
    }

    static Plan plan(Relation rel, Delete delete) {
        Tuple old = checked(rel, delete.oldTuple());
        if (delete.oldKind() == 'O') {
            String where = mask(old, null);
            return new Statement(new Shape(rel.oid(), Kind.DELETE_BY_ROW, "", where), values(old, where));
        }
        if (!rel.hasKey()) {
            return new Unsupported("DELETE without replica identity");
        }
        String where = keyMask(rel);
        if (!allPresent(old, where)) {
            return new Unsupported("DELETE whose key value was not sent (unchanged TOAST)");
        }
        return new Statement(new Shape(rel.oid(), Kind.DELETE_BY_KEY, "", where), values(old, where));
    }

    /** The SQL text of {@code shape} on {@code rel}; parameters in the order {@link Statement#values} binds. */
    static String sql(Relation rel, Shape shape) {
        return sql(rel, shape, List.of());
    }

    /**
     * As {@link #sql(Relation, Shape)}; an INSERT that sets every column of {@code primaryKey} (the destination
     * table's immediate primary key, possibly empty) leaves a row with an existing key alone, affecting 0 rows.
     */
    static String sql(Relation rel, Shape shape, List<String> primaryKey) {
        if (shape.kind() == Kind.INSERT && !primaryKey.isEmpty() && indexes(rel, shape.setMask(), primaryKey) != null) {
            return sql(rel, shape, List.of()) + " ON CONFLICT (" + primaryKey.stream().map(Dialect.POSTGRESQL::quote)
                    .collect(Collectors.joining(", ")) + ") DO NOTHING";
        }
        String table = Dialect.POSTGRESQL.quote(rel.schema(), rel.name());
        List<Column> cols = rel.columns();
        return switch (shape.kind()) {
            case INSERT -> {
                StringJoiner names = new StringJoiner(", ", "(", ")");
                StringJoiner marks = new StringJoiner(", ", "(", ")");
                for (int i = 0; i < cols.size(); i++) {
                    if (shape.setMask().charAt(i) == '1') {
                        names.add(Dialect.POSTGRESQL.quote(cols.get(i).name()));
                        marks.add("?");
                    }
                }
                yield names.length() == 2 ? "INSERT INTO " + table + " DEFAULT VALUES"
                        : "INSERT INTO " + table + " " + names + " OVERRIDING SYSTEM VALUE VALUES " + marks;
            }
            case UPDATE_BY_KEY -> "UPDATE ONLY " + table + " SET " + setList(cols, shape.setMask())
                    + " WHERE " + keyMatch(cols, shape.whereMask());
            case UPDATE_BY_ROW -> "UPDATE ONLY " + table + " SET " + setList(cols, shape.setMask())
                    + " WHERE ctid = (SELECT ctid FROM ONLY " + table + " WHERE " + rowMatch(cols, shape.whereMask())
                    + " LIMIT 1)";
            case DELETE_BY_KEY -> "DELETE FROM ONLY " + table + " WHERE " + keyMatch(cols, shape.whereMask());
            case DELETE_BY_ROW -> "DELETE FROM ONLY " + table + " WHERE ctid = (SELECT ctid FROM ONLY " + table
                    + " WHERE " + rowMatch(cols, shape.whereMask()) + " LIMIT 1)";
        };
    }

    /**
     * The values of {@code names} (the primary key's columns) in the row {@code st} changes: from its row match
     * (the old key) when it has them, else from what it sets; null when some column is in neither.
     */
    static List<String> keyValues(Relation rel, Statement st, List<String> names) {
        Shape shape = st.shape();
        int setCount = count(shape.setMask());
        int[] inWhere = shape.whereMask().isEmpty() ? null : indexes(rel, shape.whereMask(), names);
        if (inWhere != null) {
            return Arrays.stream(inWhere).mapToObj(i -> st.values()[setCount + i]).toList();
        }
        int[] inSet = shape.setMask().isEmpty() ? null : indexes(rel, shape.setMask(), names);
        return inSet == null ? null : Arrays.stream(inSet).mapToObj(i -> st.values()[i]).toList();
    }

    /**
     * The INSERT of the whole new row of an UPDATE, when the update carries every column (no unchanged TOAST
     * value); empty otherwise. An INSERT comes back as it is.
     */
    static Optional<Statement> newRow(Relation rel, Statement st) {
        Shape shape = st.shape();
        if (shape.kind() == Kind.INSERT) {
            return Optional.of(st);
        }
        if (shape.kind() == Kind.DELETE_BY_KEY || shape.kind() == Kind.DELETE_BY_ROW
                || shape.setMask().length() != rel.columns().size() || shape.setMask().indexOf('0') >= 0) {
            return Optional.empty();
        }
        String[] row = Arrays.copyOf(st.values(), shape.setMask().length());
        return Optional.of(new Statement(new Shape(rel.oid(), Kind.INSERT, shape.setMask(), ""), row));
    }

    /** For each of {@code names}, its rank among the '1' columns of {@code mask}; null when one is missing. */
    private static int[] indexes(Relation rel, String mask, List<String> names) {
        int[] at = new int[names.size()];
        for (int n = 0; n < names.size(); n++) {
            int col = -1;
            for (int i = 0; i < rel.columns().size(); i++) {
                if (rel.columns().get(i).name().equals(names.get(n))) {
                    col = i;
                }
            }
            if (col < 0 || col >= mask.length() || mask.charAt(col) != '1') {
                return null;
            }
            at[n] = count(mask.substring(0, col));
        }
        return at;
    }

    private static int count(String mask) {
        int n = 0;
        for (int i = 0; i < mask.length(); i++) {
            n += mask.charAt(i) == '1' ? 1 : 0;
        }
        return n;
    }

    private static String setList(List<Column> cols, String mask) {
        StringJoiner set = new StringJoiner(", ");
        for (int i = 0; i < cols.size(); i++) {
            if (mask.charAt(i) == '1') {
                set.add(Dialect.POSTGRESQL.quote(cols.get(i).name()) + " = ?");
            }
        }
        return set.toString();
    }

    private static String keyMatch(List<Column> cols, String mask) {
        StringJoiner match = new StringJoiner(" AND ");
        for (int i = 0; i < cols.size(); i++) {
            if (mask.charAt(i) == '1') {
                match.add(Dialect.POSTGRESQL.quote(cols.get(i).name()) + " = ?");
            }
        }
        return match.toString();
    }

    private static String rowMatch(List<Column> cols, String mask) {
        StringJoiner match = new StringJoiner(" AND ");
        for (int i = 0; i < cols.size(); i++) {
            if (mask.charAt(i) == '1') {
                String name = Dialect.POSTGRESQL.quote(cols.get(i).name());
                match.add(NO_EQUALITY.contains(cols.get(i).typeOid())
                        ? name + "::text IS NOT DISTINCT FROM ?::text"
                        : name + " IS NOT DISTINCT FROM ?");
            }
        }
        return match.length() == 0 ? "true" : match.toString();
    }

    private static Tuple checked(Relation rel, Tuple tuple) {
        if (tuple.size() != rel.columns().size()) {
            throw new IllegalStateException("pgoutput row of %s has %d columns, its relation %d"
                    .formatted(rel.table(), tuple.size(), rel.columns().size()));
        }
        return tuple;
    }

    /** '1' for each column that is sent (not unchanged TOAST) and, when {@code only} is given, selected there. */
    private static String mask(Tuple tuple, String only) {
        char[] mask = new char[tuple.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = !tuple.unchanged(i) && (only == null || only.charAt(i) == '1') ? '1' : '0';
        }
        return new String(mask);
    }

    private static String keyMask(Relation rel) {
        char[] mask = new char[rel.columns().size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rel.columns().get(i).key() ? '1' : '0';
        }
        return new String(mask);
    }

    private static boolean allPresent(Tuple tuple, String mask) {
        return mask.equals(mask(tuple, mask));
    }

    private static String[] values(Tuple tuple, String mask) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < mask.length(); i++) {
            if (mask.charAt(i) == '1') {
                values.add(tuple.value(i));
            }
        }
        return values.toArray(String[]::new);
    }

    private static String[] concat(Tuple first, String firstMask, Tuple second, String secondMask) {
        String[] a = values(first, firstMask);
        String[] b = values(second, secondMask);
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
