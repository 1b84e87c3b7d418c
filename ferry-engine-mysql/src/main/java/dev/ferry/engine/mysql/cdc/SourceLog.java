package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** What the source says about its binary log: the current end, the files and their sizes, the settings replication needs. */
final class SourceLog {
    private static final int ER_PARSE_ERROR = 1064;

    /** One binary log file and its size in bytes. */
    record LogFile(String name, long size) {}

    private SourceLog() {}

    /** The end of the binary log now, with the GTID state; empty when the binary log is off. */
    static Optional<BinlogPosition> head(Connection c, Flavor flavor) throws SQLException {
        Optional<String[]> status;
        try {
            status = Sql.queryOne(c, "SHOW MASTER STATUS", rs -> new String[] {rs.getString(1), rs.getString(2)});
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_PARSE_ERROR) {
                throw e;
            }
            status = Sql.queryOne(c, "SHOW BINARY LOG STATUS", rs -> new String[] {rs.getString(1), rs.getString(2)});
        }
        if (status.isEmpty() || status.get()[0] == null || status.get()[0].isEmpty()) {
            return Optional.empty();
        }
        String sql = flavor == Flavor.MARIADB ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed";
        String gtids = Sql.queryString(c, sql).orElse("").replaceAll("\\s+", "");
        return Optional.of(new BinlogPosition(status.get()[0], Long.parseLong(status.get()[1]), gtids));
    }

    static List<LogFile> files(Connection c) throws SQLException {
        return Sql.query(c, "SHOW BINARY LOGS", rs -> new LogFile(rs.getString(1), rs.getLong(2)));
    }

    static String setting(Connection c, String variable) throws SQLException {
        return Sql.queryString(c, "SELECT @@GLOBAL." + variable).orElse("");
    }

    /**
     * The bytes of binary log from {@code from} to {@code to}: the offset difference in one file, else the rest
     * of {@code from}'s file, every file between, and {@code to}'s offset. Never negative. Pure.
     */
    static long bytesBetween(List<LogFile> files, BinlogPosition from, BinlogPosition to) {
        if (Coordinates.compare(from, to) >= 0) {
            return 0;
        }
        if (from.file().equals(to.file())) {
            return to.offset() - from.offset();
        }
        long bytes = 0;
        for (LogFile f : files) {
            int vsFrom = Long.compare(Coordinates.fileNumber(f.name()), Coordinates.fileNumber(from.file()));
            int vsTo = Long.compare(Coordinates.fileNumber(f.name()), Coordinates.fileNumber(to.file()));
            if (vsFrom == 0) {
                bytes += Math.max(0, f.size() - from.offset());
            } else if (vsFrom > 0 && vsTo < 0) {
                bytes += f.size();
            }
        }
        return bytes + to.offset();
    }
}
