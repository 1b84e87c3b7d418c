package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.sql.SQLException;

/** The errors the store reports for rows that clash or are missing. */
final class StoreErrors {
    private StoreErrors() {}

    /** True for a unique or primary key violation (SQL state 23505 on H2 and PostgreSQL). */
    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    static FerryException alreadyExists(String kind, String name, SQLException cause) {
        return new FerryException(ErrorCode.ALREADY_EXISTS,
                "%s %s already exists; choose another name or update the existing one".formatted(kind, name), cause);
    }

    static FerryException notFound(String kind, String name) {
        return new FerryException(ErrorCode.NOT_FOUND, "%s %s does not exist".formatted(kind, name));
    }

    /** Throws NOT_FOUND when an update or delete touched no row. */
    static void requireOneRow(int rows, String kind, String name) {
        if (rows == 0) {
            throw notFound(kind, name);
        }
    }
}
