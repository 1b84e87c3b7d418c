package dev.ferry.engine.postgres.validate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.SQLException;

/** Failures of validation statements: a table or column gone is {@code NOT_FOUND}; the rest as {@link PgErrors}. Pure. */
final class ValidationErrors {
    /** SQLSTATEs of an object that does not exist (table, column). */
    static final String UNDEFINED_TABLE = "42P01";
    static final String UNDEFINED_COLUMN = "42703";

    private ValidationErrors() {}

    static FerryException translate(SQLException e, DatabaseConnection db, String doing) {
        String state = e.getSQLState();
        if (UNDEFINED_TABLE.equals(state) || UNDEFINED_COLUMN.equals(state)) {
            return new FerryException(ErrorCode.NOT_FOUND, ("A table or column is missing in database %s on PostgreSQL at "
                    + "%s:%d while %s (it was dropped or renamed); validate again once the schemas agree")
                    .formatted(db.database(), db.host(), db.port(), doing), e);
        }
        return PgErrors.translate(e, db, doing);
    }
}
