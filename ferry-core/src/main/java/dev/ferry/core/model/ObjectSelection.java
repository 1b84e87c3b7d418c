package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides which databases, schemas and tables a job moves, from an {@link ObjectsConfig}. A pattern
 * has up to three dot-separated parts (database, schema, table; for MySQL database and table, the
 * schema being the database, see {@link #ObjectSelection(ObjectsConfig, EngineKind)}) where {@code *} matches any run of characters. A missing part matches
 * everything below it. An object is selected when some include pattern matches (or there is none)
 * and no exclude pattern matches. Pure and thread-safe.
 */
public final class ObjectSelection {
    private final List<Pattern[]> include;
    private final List<Pattern[]> exclude;

    public ObjectSelection(ObjectsConfig config) {
        this(config, EngineKind.POSTGRESQL);
    }

    /**
     * A selection for databases of {@code engine}. For MySQL/MariaDB, where a table's schema is its
     * database, a two-part pattern is {@code database.table}.
     */
    public ObjectSelection(ObjectsConfig config, EngineKind engine) {
        this.include = config.include().stream().map(p -> compile(p, engine)).toList();
        this.exclude = config.exclude().stream().map(p -> compile(p, engine)).toList();
    }

    /** Whether anything in the database may be selected (used to skip whole databases). */
    public boolean includesDatabase(String database) {
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> p[0].matcher(database).matches());
        boolean out = exclude.stream().anyMatch(p -> p.length == 1 && p[0].matcher(database).matches());
        return in && !out;
    }

    /** Whether anything in the schema may be selected. */
    public boolean includesSchema(String database, String schema) {
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> matches(p, database, schema, null));
        boolean out = exclude.stream().anyMatch(p -> p.length <= 2 && matches(p, database, schema, null));
        return in && !out;
    }

    public boolean includesTable(String database, TableRef table) {
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> matches(p, database, table.schema(), table.table()));
        boolean out = exclude.stream().anyMatch(p -> matches(p, database, table.schema(), table.table()));
        return in && !out;
    }

    /** True when the selection is "everything". */
    public boolean isAll() {
        return include.isEmpty() && exclude.isEmpty();
    }

    private static boolean matches(Pattern[] p, String database, String schema, String table) {
        if (!p[0].matcher(database).matches()) {
            return false;
        }
        if (p.length >= 2 && schema != null && !p[1].matcher(schema).matches()) {
            return false;
        }
        return p.length < 3 || table == null || p[2].matcher(table).matches();
    }

    private static Pattern[] compile(String pattern, EngineKind engine) {
        Pattern[] parts = compile(pattern);
        if (engine == EngineKind.MYSQL && parts.length == 2) {
            return new Pattern[] {parts[0], parts[0], parts[1]};
        }
        return parts;
    }

    private static Pattern[] compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "An include or exclude pattern is empty");
        }
        String[] parts = pattern.split("\\.", -1);
        if (parts.length > 3) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Pattern '%s' has more than three parts; use database[.schema[.table]]".formatted(pattern));
        }
        Pattern[] compiled = new Pattern[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty()) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Pattern '%s' has an empty part".formatted(pattern));
            }
            StringBuilder regex = new StringBuilder();
            for (String literal : parts[i].split("\\*", -1)) {
                if (!regex.isEmpty()) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(literal));
            }
            compiled[i] = Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
        return compiled;
    }
}
