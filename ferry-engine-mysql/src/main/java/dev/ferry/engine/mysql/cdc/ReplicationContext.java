package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * What one run of a replication knows besides its collaborators: the job and database, the source and its
 * flavor, whether it streams by GTID, the tables copied at later positions, the job's selection and how the source's
 * statements are read. Used by the change source's thread only.
 */
record ReplicationContext(String job, String database, DatabaseConnection source, Flavor flavor, boolean byGtid,
        Map<TableRef, BinlogPosition> copiedAt, Clock clock, Map<TableRef, GtidTracker> copiedGtids, ReplicationScope scope,
        DdlReader statements) {

    /** {@code scope} places the objects statements name; {@code statements} reads them with the source's grammar. */
    ReplicationContext(String job, String database, DatabaseConnection source, Flavor flavor, boolean byGtid,
            Map<TableRef, BinlogPosition> copiedAt, Clock clock, ReplicationScope scope, DdlReader statements) {
        this(job, database, source, flavor, byGtid, Map.copyOf(copiedAt), clock, new HashMap<>(), scope, statements);
    }

    /** Whether the table was copied at a position that already holds the transaction's changes. */
    boolean copiedAfter(TableRef table, Txn txn) {
        BinlogPosition copied = copiedAt.get(table);
        if (copied == null) {
            return false;
        }
        if (byGtid && txn.gtid != null && !copied.gtids().isEmpty()) {
            return copiedGtids.computeIfAbsent(table, t -> GtidTracker.of(flavor, copied.gtids())).contains(txn.gtid);
        }
        return Coordinates.compare(txn.start, copied) < 0;
    }

    /** The source refused to stream (an error packet): never retried. */
    FerryException refused(ServerException e, BinlogPosition from) {
        String where = "%s:%d".formatted(source.host(), source.port());
        return switch (e.getErrorCode()) {
            case 1236 -> new FerryException(ErrorCode.FAILED_PRECONDITION, ("binlog %s is no longer on the source %s (%s);"
                    + " restart the job").formatted(byGtid ? "position " + from.gtids() : from.file(), where, e.getMessage()), e);
            case 1045 -> new FerryException(ErrorCode.UNAUTHENTICATED, "Source %s refused the binlog login of user '%s'; check the"
                    .formatted(where, source.username()) + " user name and password", e);
            case 1227, 1044, 1142 -> new FerryException(ErrorCode.PERMISSION_DENIED, ("User '%s' may not read the binary log of %s"
                    + " (%s); GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* and retry").formatted(source.username(), where,
                    e.getMessage()), e);
            default -> new FerryException(ErrorCode.FAILED_PRECONDITION, "Source %s refused to stream its binary log from %s: %s"
                    .formatted(where, from.text(), e.getMessage()), e);
        };
    }
}
