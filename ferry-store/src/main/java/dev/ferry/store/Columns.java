package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Binding and reading the column types the store uses the same way on H2 and PostgreSQL. Times are
 * {@code TIMESTAMP WITH TIME ZONE} in UTC at microsecond precision (what both databases keep).
 */
final class Columns {
    private Columns() {}

    /** The instant as the store keeps it: truncated to microseconds. */
    static Instant stored(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MICROS);
    }

    static void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(stored(time), ZoneOffset.UTC));
        }
    }

    static Instant time(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setEnum(PreparedStatement statement, int index, Enum<?> value) throws SQLException {
        statement.setString(index, value == null ? null : value.name());
    }

    static <E extends Enum<E>> E enumValue(ResultSet rows, String column, Class<E> type) throws SQLException {
        String value = rows.getString(column);
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.INTERNAL,
                    "The store holds %s '%s' in column %s, which this Ferry does not know; use the Ferry version that wrote it"
                            .formatted(type.getSimpleName(), value, column), e);
        }
    }
}
