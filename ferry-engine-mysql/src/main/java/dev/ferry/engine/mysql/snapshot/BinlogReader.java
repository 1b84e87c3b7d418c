package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.model.Position;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reads binlog coordinates and GTID state, the two flavors' ways. */
final class BinlogReader {
    private static final int ER_PARSE_ERROR = 1064;

    private BinlogReader() {}

    static boolean binlogEnabled(Connection c) throws SQLException {
        return Sql.queryLong(c, "SELECT @@GLOBAL.log_bin") == 1;
    }

    /** The current position, read while writes are blocked by the global read lock. */
    static Optional<Position> current(Connection c, Flavor flavor) throws SQLException {
        Optional<String[]> status;
        try {
            status = Sql.queryOne(c, "SHOW MASTER STATUS", rs -> new String[] {rs.getString(1), rs.getString(2)});
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_PARSE_ERROR) {
                throw e;
            }
            // MySQL 8.4 renamed it.
            status = Sql.queryOne(c, "SHOW BINARY LOG STATUS", rs -> new String[] {rs.getString(1), rs.getString(2)});
        }
        if (status.isEmpty() || status.get()[0] == null || status.get()[0].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Position.BinlogPosition(status.get()[0], Long.parseLong(status.get()[1]), gtids(c, flavor)));
    }

    /**
     * MariaDB only: the binlog position matching the snapshot transaction open on {@code c}, which needs no
     * global lock ({@code binlog_snapshot_file/position}), and the GTID position at that point.
     */
    static Optional<Position> ofSnapshot(Connection c) throws SQLException {
        Map<String, String> status = new TreeMap<>();
        Sql.query(c, "SHOW STATUS LIKE 'binlog_snapshot_%'", rs -> status.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2)));
        String file = status.get("binlog_snapshot_file");
        String pos = status.get("binlog_snapshot_position");
        if (file == null || file.isEmpty() || pos == null) {
            return Optional.empty();
        }
        String gtids = Sql.queryString(c, "SELECT BINLOG_GTID_POS(?, ?)", file, Long.parseLong(pos)).orElse("");
        return Optional.of(new Position.BinlogPosition(file, Long.parseLong(pos), gtids));
    }

    private static String gtids(Connection c, Flavor flavor) throws SQLException {
        String sql = flavor == Flavor.MARIADB ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed";
        return Sql.queryString(c, sql).orElse("").replaceAll("\\s+", "");
    }
}
