package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;

/**
 * Orders binlog coordinates of one server: by the file's sequence number (the digits after the last dot of
 * {@code mysql-bin.000012}), then by offset. Pure.
 */
final class Coordinates {
    private Coordinates() {}

    /** Negative, zero or positive as {@code a} is before, at or after {@code b}. GTIDs are not compared. */
    static int compare(BinlogPosition a, BinlogPosition b) {
        int byFile = Long.compare(fileNumber(a.file()), fileNumber(b.file()));
        if (byFile == 0 && fileNumber(a.file()) < 0) {
            byFile = a.file().compareTo(b.file());
        }
        return byFile != 0 ? byFile : Long.compare(a.offset(), b.offset());
    }

    static BinlogPosition later(BinlogPosition a, BinlogPosition b) {
        return compare(a, b) >= 0 ? a : b;
    }

    /** The sequence number of a binlog file name, or -1 when it has none. */
    static long fileNumber(String file) {
        int dot = file.lastIndexOf('.');
        String digits = dot < 0 ? "" : file.substring(dot + 1);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** The position as a binlog coordinate, or INVALID_ARGUMENT naming {@code what}. */
    static BinlogPosition binlog(Position position, String what) {
        if (position instanceof BinlogPosition p) {
            return p;
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT, "The replication %s %s is not a MySQL/MariaDB binlog position"
                .formatted(what, position == null ? null : position.text()));
    }
}
