package dev.ferry.core.fault;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One replicated row change that did not fit the destination, once the table's copy point was passed: an
 * UPDATE or DELETE that matched no row, or an INSERT (or an UPDATE's new key) that hit a row already there.
 * {@code key} is the row's primary-key values as text ({@link #key(List, List)}), or empty when the table has
 * no primary key or the row could not be told; no other column value ever appears, as values may be
 * sensitive. {@code position} is the source position in the engine's words (an LSN, a binlog file and
 * offset with its GTID). {@code rows} counts the rows of the same statement batch that diverged the same way
 * (this one is the first). Immutable.
 */
public record Divergence(String database, TableRef table, String operation, Problem problem, String key, String position,
        int rows) {
    /** Longest text kept of one key value; longer ones are cut and marked. */
    public static final int MAX_VALUE_CHARS = 64;

    /** What went wrong with the change. */
    public enum Problem {
        /** An UPDATE or DELETE matched no destination row. */
        NO_ROW("found no row to change on the destination"),
        /** An INSERT, or an UPDATE to a new key, hit a destination row with the same primary key. */
        EXISTING_KEY("hit a row that already exists on the destination with the same primary key"),
        /** An INSERT or UPDATE hit a destination row holding the same value of a unique key. */
        EXISTING_UNIQUE("hit a row on the destination that already holds the same value of a unique key");

        private final String words;

        Problem(String words) {
            this.words = words;
        }

        /** The problem as the end of a sentence that starts with the change ("an UPDATE ..."). */
        public String words() {
            return words;
        }
    }

    public Divergence {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(problem, "problem");
        key = key == null ? "" : key;
        Objects.requireNonNull(position, "position");
        if (rows < 1) {
            throw new IllegalArgumentException("a divergence concerns at least one row");
        }
    }

    /**
     * The key as text, {@code (a, b)=(1, x)}: names as given, values cut to {@link #MAX_VALUE_CHARS} characters,
     * SQL NULL as {@code NULL}. Empty when {@code names} is empty.
     */
    public static String key(List<String> names, List<?> values) {
        if (names.size() != values.size()) {
            throw new IllegalArgumentException("key names and values differ in number");
        }
        if (names.isEmpty()) {
            return "";
        }
        StringJoiner n = new StringJoiner(", ", "(", ")");
        StringJoiner v = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < names.size(); i++) {
            n.add(names.get(i));
            v.add(shown(values.get(i)));
        }
        return n + "=" + v;
    }

    private static String shown(Object value) {
        if (value == null) {
            return "NULL";
        }
        String s = value instanceof byte[] b ? hex(b) : value.toString();
        return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "...";
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder("0x");
        for (int i = 0; i < bytes.length && s.length() <= MAX_VALUE_CHARS; i++) {
            s.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
        }
        return s.toString();
    }

    /** One line for an event: the change, the problem, the key and the position (no advice). */
    public String detail() {
        return "a replicated %s %s (%s, source position %s)%s".formatted(operation, problem.words(),
                key.isEmpty() ? "row without a primary key, values not shown" : "key " + key, position,
                rows > 1 ? "; %d more row(s) of the same batch likewise".formatted(rows - 1) : "");
    }

    /** The exception that fails the job: what diverged, where, and what to do. */
    public FerryException failure() {
        return failure(true, null);
    }

    /**
     * As {@link #failure()}; {@code recordable} false when the RECORD policy could not have gone past this change
     * either (the destination refused it outright), so the advice leaves it out. {@code cause} may be null.
     */
    public FerryException failure(boolean recordable, Throwable cause) {
        return new FerryException(ErrorCode.DIVERGED, ("Replication of database %s stopped: in table %s, %s. The destination "
                + "no longer matches the source (was it changed behind Ferry's back?). Compare the table with the source and "
                + "restart the job to copy it again%s").formatted(database, table, detail(), recordable
                ? ", or set the job's onDivergence to RECORD to record such changes as warnings and keep replicating"
                : "; recording cannot go past this change, as the destination refuses it"), cause);
    }
}
