package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;

/**
 * A point in a source's change stream from which replication starts or resumes. Every position
 * round-trips through {@link #text()} and {@link #parse(String)}.
 */
public sealed interface Position permits Position.PgLsn, Position.BinlogPosition {

    /** The stable text form, prefixed with the kind: {@code pg:0/16B3748}, {@code binlog:file:pos}. */
    String text();

    /** A PostgreSQL WAL location. */
    record PgLsn(long value) implements Position {
        public static PgLsn parseLsn(String lsn) {
            int slash = lsn.indexOf('/');
            if (slash < 1) {
                throw new IllegalArgumentException("not an LSN: " + lsn);
            }
            long hi = Long.parseLong(lsn.substring(0, slash), 16);
            long lo = Long.parseLong(lsn.substring(slash + 1), 16);
            return new PgLsn((hi << 32) | lo);
        }

        /** The PostgreSQL spelling, {@code 0/16B3748}. */
        public String lsn() {
            return Long.toHexString(value >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                    + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
        }

        @Override
        public String text() {
            return "pg:" + lsn();
        }
    }

    /** A MySQL/MariaDB binlog coordinate, with the GTID set (or MariaDB GTID position) when known (else empty). */
    record BinlogPosition(String file, long offset, String gtids) implements Position {
        public BinlogPosition {
            if (file == null || file.isEmpty() || file.indexOf(':') >= 0 || offset < 0) {
                throw new IllegalArgumentException("not a binlog position: " + file + ":" + offset);
            }
            gtids = gtids == null ? "" : gtids;
        }

        @Override
        public String text() {
            return "binlog:" + file + ":" + offset + (gtids.isEmpty() ? "" : ":" + gtids);
        }
    }

    static Position parse(String text) {
        try {
            if (text.startsWith("pg:")) {
                return PgLsn.parseLsn(text.substring(3));
            }
            if (text.startsWith("binlog:")) {
                String[] parts = text.substring(7).split(":", 3);
                return new BinlogPosition(parts[0], Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : "");
            }
        } catch (RuntimeException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Not a replication position: " + text, e);
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Not a replication position: " + text);
    }
}
