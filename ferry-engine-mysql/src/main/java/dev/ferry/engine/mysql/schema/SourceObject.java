package dev.ferry.engine.mysql.schema;

import java.util.Locale;

/**
 * A view, routine, trigger or event as SHOW CREATE printed it, with the session settings it was created
 * under: {@code sqlMode}, {@code characterSetClient} and {@code collationConnection} (each null for the baseline),
 * {@code databaseCollation} (the database's default collation then, which routines, triggers and events keep; null
 * for views) and {@code timeZone} for events.
 */
public record SourceObject(Kind kind, String name, String ddl, String sqlMode, String characterSetClient,
        String collationConnection, String databaseCollation, String timeZone) {
    /** The kinds of objects created after the data. */
    public enum Kind { VIEW, PROCEDURE, FUNCTION, TRIGGER, EVENT }

    public SourceObject {
        if (kind == null || name == null || name.isEmpty() || ddl == null || ddl.isEmpty()) {
            throw new IllegalArgumentException("an object needs a kind, a name and its DDL");
        }
    }

    /** {@code view `db`.`v`} style text for messages and logs. */
    public String describe() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + name;
    }
}
