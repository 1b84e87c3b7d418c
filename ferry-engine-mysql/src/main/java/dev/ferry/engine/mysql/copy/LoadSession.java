package dev.ferry.engine.mysql.copy;

import dev.ferry.core.Closing;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the destination sessions that load rows, set for speed and fidelity:
 * <ul>
 * <li>{@code foreign_key_checks=0}: the rows were valid on the source, and foreign keys are added after the data
 * anyway; {@code unique_checks=0} too, except on MariaDB 10.6 and later, where it makes the first insert into an
 * empty table lock the whole table until it commits, which would serialize the parallel chunks of a table. Unique
 * secondary indexes are built after the data, so the setting costs nothing there;</li>
 * <li>the connector's baseline {@code sql_mode} ({@code NO_AUTO_VALUE_ON_ZERO}, not strict): every value already
 * fitted the source's column, a 0 in an AUTO_INCREMENT column stays 0, and zero dates load as they are;</li>
 * <li>{@code time_zone='+00:00'} (also the connector's), the zone in which the source printed TIMESTAMPs;</li>
 * <li>{@code sql_log_bin=0} when the policy allows and the user may (SUPER, or BINLOG ADMIN on MariaDB): loaded
 * rows then skip the destination's binary log, which roughly halves the writes; replicas of the destination do
 * not receive them. Without the privilege, a warning once per destination;</li>
 * <li>generous {@code net_read_timeout}: LOAD DATA LOCAL waits on the source's reading, which may pause; a bulk
 * INSERT session (MariaDB) is ended by the server once silent for the stall timeout instead (see {@link #open});
 * {@code max_statement_time=0} on MariaDB so a server-wide limit does not cut a long load.</li>
 * </ul>
 * InnoDB's own levers for bulk loads ({@code innodb_flush_log_at_trx_commit}, {@code innodb_doublewrite},
 * {@code sync_binlog}) are global and left to the operator. Thread-safe; facts about a destination are read once.
 */
public final class LoadSession {
    private static final Logger log = LoggerFactory.getLogger(LoadSession.class);

    /** Whether loaded rows may skip the destination's binary log. */
    public enum BinlogPolicy { SKIP_WHEN_PERMITTED, KEEP }

    /**
     * {@code bulkInsertLocks}: MariaDB 10.6+, where unique_checks=0 locks a whole empty table for its first insert;
     * {@code bulkCommands}: MariaDB 10.2+, which runs a prepared statement for many rows in one command.
     */
    private record Facts(Flavor flavor, boolean localInfile, boolean binlog, boolean bulkInsertLocks, boolean bulkCommands,
            long maxPacket) {}

    private final MySqlConnector connector;
    private final BinlogPolicy binlogPolicy;
    private static final long LOAD_DATA_QUIET_SECONDS = 3600;

    private final LoadTarget.Method preferred;
    private final dev.ferry.core.spi.engine.Fence fence;
    private final Map<String, Facts> facts = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param preferred the way to load where the destination has it: BULK_INSERT needs MariaDB and falls back to
     *     LOAD_DATA, which needs {@code local_infile} on the server and falls back to INSERT
     */
    public LoadSession(MySqlConnector connector, BinlogPolicy binlogPolicy, LoadTarget.Method preferred) {
        this(connector, binlogPolicy, preferred, dev.ferry.core.spi.engine.Fence.NONE);
    }

    /** As above, each load committing only after {@code fence}'s check passed. */
    public LoadSession(MySqlConnector connector, BinlogPolicy binlogPolicy, LoadTarget.Method preferred,
            dev.ferry.core.spi.engine.Fence fence) {
        this.connector = connector;
        this.binlogPolicy = binlogPolicy;
        this.preferred = preferred;
        this.fence = fence;
    }

    /** The fence the loads check before they commit. */
    public dev.ferry.core.spi.engine.Fence fence() {
        return fence;
    }

    /** A loading session on {@code database} of {@code destination}; the caller closes it. */
    public LoadTarget open(DatabaseConnection destination, String database) {
        Connection c = connector.open(destination, database, MySqlConnector.Role.LOADER);
        try {
            Facts f = facts(c, destination);
            LoadTarget.Method method = method(f);
            // A bulk session waits on Ferry only between batches, which come at least every third of the stall
            // timeout: one silent for the whole timeout was abandoned by a cut connection, and the server ends it
            // (rolling back what it had not committed) before a retry of the copy prepares the table again. LOAD DATA
            // waits on the source's reading inside its statement and needs a generous limit.
            long quiet = method == LoadTarget.Method.BULK_INSERT
                    ? Math.max(1, destination.effectiveStallTimeout().toSeconds()) : LOAD_DATA_QUIET_SECONDS;
            Sql.execute(c, "SET SESSION unique_checks = " + (f.bulkInsertLocks() ? 1 : 0) + ", SESSION foreign_key_checks = 0,"
                    + " SESSION net_read_timeout = " + quiet + ", SESSION net_write_timeout = " + LOAD_DATA_QUIET_SECONDS
                    + (method == LoadTarget.Method.BULK_INSERT ? ", SESSION wait_timeout = " + quiet : ""));
            if (f.flavor() == Flavor.MARIADB) {
                Sql.execute(c, "SET SESSION max_statement_time = 0");
            }
            if (f.binlog() && binlogPolicy == BinlogPolicy.SKIP_WHEN_PERMITTED) {
                skipBinlog(c, destination);
            }
            LoadTarget.Method hugeValues = method != LoadTarget.Method.BULK_INSERT ? method : loadDataOrInsert(f);
            return new LoadTarget(c, destination, method, hugeValues, f.maxPacket(), f.flavor() == Flavor.MYSQL, fence);
        } catch (SQLException e) {
            Closing.quietly(c, "a failed loading session");
            throw SqlErrors.map(e, destination, "prepare a session for loading rows");
        } catch (RuntimeException e) {
            Closing.quietly(c, "a failed loading session");
            throw e;
        }
    }

    /** The preferred way where the server has it: bulk INSERTs on MariaDB 10.2+, then LOAD DATA LOCAL, then INSERTs. */
    private LoadTarget.Method method(Facts f) {
        if (preferred == LoadTarget.Method.INSERT) {
            return LoadTarget.Method.INSERT;
        }
        if (preferred == LoadTarget.Method.BULK_INSERT && f.bulkCommands()) {
            return LoadTarget.Method.BULK_INSERT;
        }
        return loadDataOrInsert(f);
    }

    /** LOAD DATA LOCAL where the server allows it, else multi-row INSERTs. */
    private static LoadTarget.Method loadDataOrInsert(Facts f) {
        return f.localInfile() ? LoadTarget.Method.LOAD_DATA : LoadTarget.Method.INSERT;
    }

    private Facts facts(Connection c, DatabaseConnection destination) throws SQLException {
        String key = destination.host() + ":" + destination.port();
        Facts known = facts.get(key);
        if (known != null) {
            return known;
        }
        ServerVersion version = ServerVersion.of(c);
        Flavor flavor = version.flavor();
        boolean bulkCommands = flavor == Flavor.MARIADB && version.major() >= 1002;
        Facts f = Sql.queryOne(c, "SELECT @@GLOBAL.local_infile, @@GLOBAL.log_bin, @@GLOBAL.max_allowed_packet",
                rs -> new Facts(flavor, rs.getBoolean(1), rs.getBoolean(2), flavor == Flavor.MARIADB && version.major() >= 1006,
                        bulkCommands, rs.getLong(3))).orElseThrow();
        boolean needsInfile = preferred == LoadTarget.Method.LOAD_DATA
                || preferred == LoadTarget.Method.BULK_INSERT && !bulkCommands;
        if (needsInfile && !f.localInfile() && warned.add("infile " + key)) {
            log.atWarn().addKeyValue("server", key).log("local_infile is OFF on the destination: rows are copied with batched"
                    + " INSERTs, several times slower; run SET GLOBAL local_infile = 1 there to use LOAD DATA LOCAL");
        }
        facts.put(key, f);
        return f;
    }

    private void skipBinlog(Connection c, DatabaseConnection destination) throws SQLException {
        try {
            Sql.execute(c, "SET SESSION sql_log_bin = 0");
        } catch (SQLException e) {
            if (e.getErrorCode() != SqlErrors.SPECIFIC_ACCESS_DENIED) {
                throw e;
            }
            String key = destination.host() + ":" + destination.port();
            if (warned.add("binlog " + key)) {
                log.atWarn().addKeyValue("server", key).addKeyValue("user", destination.username())
                        .log("cannot turn sql_log_bin off for the load: rows are also written to the destination's binary"
                                + " log (slower); grant BINLOG ADMIN (MariaDB) or SUPER / SYSTEM_VARIABLES_ADMIN (MySQL)");
            }
        }
    }
}
