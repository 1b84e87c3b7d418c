package dev.ferry.engine.mysql.copy;

import java.sql.SQLException;

/** Carries a failure reading the source through code that only knows the destination's errors. */
final class SourceFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SourceFailure(SQLException cause) {
        super(cause);
    }

    SQLException sqlCause() {
        return (SQLException) getCause();
    }
}
