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
 * later, a table not on the destination), or applied to the destination table, whose columns are checked
 * against the table map first. Not thread-safe.
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
        Optional<TableDef> def = applier.table(ref);
        if (def.isEmpty() || def.get().sequence()) {
            if (reported.add(ref)) {
                log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("table", ref)
                        .log(def.isEmpty() ? "table is not on the destination (not selected); its changes are skipped"
                                : "sequence value changes are not replicated");
            }
            if (def.isPresent()) {
                listener.unsupported(ref, "sequence value change");
            }
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
