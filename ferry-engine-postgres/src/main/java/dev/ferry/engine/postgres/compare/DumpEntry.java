package dev.ferry.engine.postgres.compare;

import java.util.List;
import java.util.Objects;

/**
 * One object of a plain pg_dump: its key, its owner as the header gives it, the session settings it is
 * created under ({@code SET default_tablespace = ...;} and {@code SET default_table_access_method = ...;}, for
 * the types they apply to; whatever pg_dump had set before, written out) and its SQL without the comments
 * and settings pg_dump prints around it. {@code position} is its place in the dump (dependency order).
 */
public record DumpEntry(EntryKey key, String owner, List<String> settings, String sql, int position) {
    public DumpEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        settings = List.copyOf(settings);
        Objects.requireNonNull(sql, "sql");
    }

    public String type() {
        return key.type();
    }

    /** The settings and the SQL, as they are compared. */
    String text() {
        return settings.isEmpty() ? sql : String.join("\n", settings) + "\n" + sql;
    }

    /** The SQL's statements, each ending with its semicolon. */
    List<String> statements() {
        return SqlStatements.split(sql);
    }
}
