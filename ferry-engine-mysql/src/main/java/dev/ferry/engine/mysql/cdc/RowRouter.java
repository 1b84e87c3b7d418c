package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.io.Serializable;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to a rows event: ignored (another database, a skipped transaction, a table copied
 * later, a table the job does not select), applied to the destination table, whose columns are checked against
 * the table map first, or refused: changes to a selected table the destination does not have stop the job.
 * Not thread-safe.
 */
final class RowRouter {
    private static final Logger log = LoggerFactory.getLogger(RowRouter.class);

    private final ReplicationContext ctx;
    private final ChangeApplier applier;
    private final ReplicationListener listener;
    private final Set<TableRef> reported = new HashSet<>();

    RowRouter(ReplicationContext ctx, ChangeApplier applier, ReplicationListener listener) {
        this.ctx = ctx;
        this.applier = applier;
        this.listener = listener;
    }

    /** Applies the rows unless they are to be ignored; returns the table and row count applied, or null. */
    Map.Entry<TableRef, Long> apply(Txn txn, TableMapEventData map, ChangeSql.Kind kind, BitSet before, BitSet after,
            List<Serializable[]> befores, List<Serializable[]> afters) {
        if (txn.skip || !ctx.database().equals(map.getDatabase())) {
            return null;
        }
        TableRef ref = new TableRef(ctx.database(), map.getTable());
        if (ctx.copiedAfter(ref, txn)) {
            return null;
        }
        if (ctx.scope().unselected(ref)) {
            if (reported.add(ref)) {
                log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("table", ref)
                        .log("table is not selected; its changes are skipped");
            }
            return null;
        }
        Optional<TableDef> def = applier.table(ref);
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
            return null;
        }
        TableDef table = def.get();
        if (table.columns().size() != map.getColumnTypes().length) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Table %s has %d columns on the destination but %d in the"
                    + " source's binary log; the schemas diverged, so make them equal and restart the job")
                    .formatted(ref, table.columns().size(), map.getColumnTypes().length));
        }
        String position = "binlog " + txn.start.file() + ":" + txn.start.offset() + (txn.gtid == null ? "" : ", GTID " + txn.gtid);
        applier.rows(table, map.getColumnTypes(), kind, before, after, befores, afters, position);
        return Map.entry(ref, (long) Math.max(befores.size(), afters.size()));
    }
}
