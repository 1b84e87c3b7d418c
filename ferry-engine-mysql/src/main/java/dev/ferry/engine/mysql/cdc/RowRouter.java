package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to a rows event: ignored (another database, a table copied later, a table the job does not
 * select, a sequence), turned into one {@link BinlogChange} per row for the destination table, whose columns are
 * checked against the table map first, or refused: changes to a selected table the destination does not have stop
 * the job. Not thread-safe.
 */
final class RowRouter {
    private static final Logger log = LoggerFactory.getLogger(RowRouter.class);

    private final ReplicationContext ctx;
    private final DestinationCatalog catalog;
    private final ReplicationListener listener;
    private final Set<TableRef> reported = new HashSet<>();

    RowRouter(ReplicationContext ctx, DestinationCatalog catalog, ReplicationListener listener) {
        this.ctx = ctx;
        this.catalog = catalog;
        this.listener = listener;
    }

    /** The row changes to apply, in the event's order; empty when the event is to be ignored. */
    List<BinlogChange> route(Txn txn, TableMapEventData map, Op op, BitSet before, BitSet after, List<Serializable[]> befores,
            List<Serializable[]> afters) {
        if (!ctx.database().equals(map.getDatabase())) {
            return List.of();
        }
        TableRef ref = new TableRef(ctx.database(), map.getTable());
        if (ctx.copiedAfter(ref, txn)) {
            return List.of();
        }
        if (ctx.scope().unselected(ref)) {
            if (reported.add(ref)) {
                log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("table", ref)
                        .log("table is not selected; its changes are skipped");
            }
            return List.of();
        }
        Optional<TableDef> def = catalog.table(ref);
        if (def.isEmpty()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication of job %s received changes to table %s in the"
                    + " transaction at %s:%d%s, but the destination has no such table (it was not copied, and no DDL replicated"
                    + " created it); create it on the destination as the source has it and restart the job to copy it, or"
                    + " exclude it from the job's selection").formatted(ctx.job(), ref, txn.start.file(), txn.start.offset(),
                    txn.gtid == null ? "" : " (GTID " + txn.gtid + ")"));
        }
        if (def.get().sequence()) {
            if (reported.add(ref)) {
                log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("table", ref).log("sequence value changes are not replicated");
            }
            listener.unsupported(ref, "sequence value change");
            return List.of();
        }
        TableDef table = def.get();
        if (table.columns().size() != map.getColumnTypes().length) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Table %s has %d columns on the destination but %d in the"
                    + " source's binary log; the schemas diverged, so make them equal and restart the job")
                    .formatted(ref, table.columns().size(), map.getColumnTypes().length));
        }
        String position = "binlog " + txn.start.file() + ":" + txn.start.offset() + (txn.gtid == null ? "" : ", GTID " + txn.gtid);
        int rows = Math.max(befores.size(), afters.size());
        List<BinlogChange> changes = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            changes.add(BinlogChange.of(table, map.getColumnTypes(), op, before, after, befores.isEmpty() ? null : befores.get(r),
                    afters.isEmpty() ? null : afters.get(r), position));
        }
        return changes;
    }
}
