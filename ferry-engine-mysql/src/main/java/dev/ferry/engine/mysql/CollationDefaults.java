package dev.ferry.engine.mysql;

import dev.ferry.core.Dialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Which collation a statement gets where it names a character set without one ({@code character_set_collations},
 * MariaDB 11.2 and later; MariaDB 11.4's packages map utf8mb4 to {@code utf8mb4_uca1400_ai_ci}). DDL replayed on the
 * destination must mean there what it meant on the source: {@code VARCHAR(10) CHARACTER SET utf8mb4} is
 * {@code utf8mb4_general_ci} on MariaDB 10.11 whatever the destination's default. A routine's parameters are read
 * again with the reader's mapping each time, so they follow the destination's: that, verify reports. Stateless.
 */
public final class CollationDefaults {
    /** MariaDB's "unknown system variable": a server before 11.2 (or MySQL), whose defaults are the built-in ones. */
    private static final int UNKNOWN_VARIABLE = 1193;

    private CollationDefaults() {}

    /** The character sets a mapping such as {@code utf8mb4=utf8mb4_uca1400_ai_ci,utf8mb3=...} names. */
    public static java.util.Set<String> characterSets(String mapping) {
        var sets = new java.util.TreeSet<String>();
        for (String entry : mapping.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                sets.add(entry.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return sets;
    }

    /** The server's mapping; empty (the built-in defaults) for a server without the variable (before MariaDB 11.2, MySQL). */
    public static String of(Connection server) throws SQLException {
        return Sql.queryString(server, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES"
                + " WHERE VARIABLE_NAME = 'CHARACTER_SET_COLLATIONS'").orElse("");
    }

    /**
     * Gives the destination session the source's mapping. A destination without the variable has the built-in
     * defaults, which is what an empty mapping means; a non-empty one it cannot take is left to the schema validation,
     * which names every column whose collation differs.
     */
    public static void apply(Connection destination, String mapping) throws SQLException {
        try {
            Sql.execute(destination, "SET SESSION character_set_collations = " + Dialect.MYSQL.literal(mapping));
        } catch (SQLException e) {
            if (e.getErrorCode() != UNKNOWN_VARIABLE) {
                throw e;
            }
        }
    }
}
