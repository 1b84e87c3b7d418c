package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import dev.ferry.engine.mysql.cdc.TableDef.ColumnDef;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds one decoded binlog cell as a statement parameter that stores exactly the source's value: bytes stay
 * bytes (any character set, unconverted), integers the library read as signed become unsigned where the
 * column is, FLOAT goes through its exact double, MySQL binary JSON becomes its text. Pure.
 */
final class ValueBinder {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private ValueBinder() {}

    /** {@code binlogType} is the column's type code from the table map. */
    static void bind(PreparedStatement ps, int index, Serializable value, ColumnDef column, int binlogType) throws SQLException {
        switch (value) {
            case null -> ps.setNull(index, Types.NULL);
            case byte[] b when binlogType == ColumnType.JSON.getCode() -> ps.setString(index, json(b));
            case byte[] b -> ps.setBytes(index, b);
            case String s -> ps.setString(index, s);
            case Integer n -> ps.setLong(index, column.unsigned() ? unsigned(n, binlogType) : n);
            case Long n when n < 0 && (column.unsigned() || "set".equalsIgnoreCase(column.dataType())) ->
                    ps.setBigDecimal(index, new BigDecimal(BigInteger.valueOf(n).add(TWO_64)));
            case Long n -> ps.setLong(index, n);
            case Float f -> ps.setDouble(index, f.doubleValue());
            case Double d -> ps.setDouble(index, d);
            case BigDecimal d -> ps.setBigDecimal(index, d);
            default -> throw new IllegalStateException("unexpected binlog value of " + value.getClass().getName()
                    + " for column " + column.name());
        }
    }

    /** The unsigned value of an integer the library sign-extended from the column's width. */
    static long unsigned(int value, int binlogType) {
        if (value >= 0) {
            return value;
        }
        if (binlogType == ColumnType.TINY.getCode()) {
            return value + 256L;
        }
        if (binlogType == ColumnType.SHORT.getCode()) {
            return value + 65_536L;
        }
        if (binlogType == ColumnType.INT24.getCode()) {
            return value + 16_777_216L;
        }
        return Integer.toUnsignedLong(value);
    }

    static String json(byte[] binary) {
        if (binary.length == 0) {
            return "null";
        }
        try {
            return JsonBinary.parseAsString(binary);
        } catch (IOException e) {
            throw new IllegalStateException("MySQL binary JSON could not be read", e);
        }
    }
}
