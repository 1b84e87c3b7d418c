package dev.ferry.engine.mysql.copy;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the loads into a table that an earlier attempt of its copy left running on the destination.
 *
 * <p>When a load's connection is cut or stalled ({@link dev.ferry.core.fault.StallWatch} ends it), only Ferry's side
 * of it ends. The server's session goes on with its LOAD DATA for as long as the network still holds bytes Ferry
 * sent (or until {@code net_read_timeout} when they never come), and once the end of the file reaches it, it commits
 * its rows. If the retry had already found the table empty, or deleted the chunk's range, by then, those rows stand in
 * the way of the retry's own: LOAD DATA LOCAL skips duplicate keys with a warning, so the chunk "accepts 0 of N rows"
 * and the copy fails. So before a table is prepared for its copy, the sessions of the same user still running a
 * Ferry load into it (the copy's own loads have all ended by then) are killed, and the copy waits until they are gone:
 * a killed load rolls back first. Whatever such a load committed before is then emptied or deleted with the rest.
 *
 * <p>Bulk INSERTs (MariaDB) leave nothing to find here: the server reads a whole batch before it runs it, and a loading
 * session silent for the stall timeout, as one whose connection was cut is, is ended by the server itself, its
 * uncommitted rows rolled back (see {@link LoadSession}).
 */
public final class AbandonedLoads {
    private static final Logger log = LoggerFactory.getLogger(AbandonedLoads.class);
    /** A killed load rolls back up to one LOAD DATA statement's rows (see TableCopier) before its session ends. */
    private static final Duration ROLLBACK_WAIT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(100);

    private AbandonedLoads() {}

    /** Kills the sessions still loading into {@code table} and returns when they are gone; blocks. */
    public static void end(Connection c, TableRef table) throws SQLException {
        String load = TableCopier.loadDataPrefix(Dialect.MYSQL.quote(table.schema(), table.table()));
        // Without the PROCESS privilege the process list shows the user's own sessions only, which are the ones to end.
        List<Long> ids = new ArrayList<>();
        for (Map.Entry<Long, String> session : Sql.query(c, "SELECT ID, INFO FROM information_schema.PROCESSLIST"
                + " WHERE ID <> CONNECTION_ID() AND USER = SUBSTRING_INDEX(USER(), '@', 1) AND INFO IS NOT NULL",
                rs -> Map.entry(rs.getLong(1), rs.getString(2)))) {
            if (session.getValue().startsWith(load)) {
                ids.add(session.getKey());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        log.atWarn().addKeyValue("table", table.toString()).addKeyValue("sessions", ids)
                .log("an earlier attempt's load into the table still runs on the destination; ending it before the copy");
        for (long id : ids) {
            try {
                Sql.execute(c, "KILL CONNECTION " + id);
            } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.NO_SUCH_THREAD) {
                    throw e;
                }
            }
        }
        String running = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        long deadline = System.nanoTime() + ROLLBACK_WAIT.toNanos();
        while (Sql.queryLong(c, running, ids.toArray()) > 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new FerryException(ErrorCode.UNAVAILABLE, ("An earlier load into table %s (sessions %s) still rolls back on"
                        + " the destination after %d s; the copy is tried again later, or check the destination's process list")
                        .formatted(table, ids, ROLLBACK_WAIT.toSeconds()));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException(ErrorCode.CANCELLED, "The copy of table %s was interrupted".formatted(table), e);
            }
        }
    }
}
