package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.GtidTaggedEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the binlog stream and applies it in source commit order, many source transactions per destination
 * transaction. Exactly once: streaming starts at the applied position (a transaction boundary), a
 * transaction already applied is skipped (its GTID is in the state, or it starts before the position),
 * changes to a table copied at a later position are skipped up to it, and the applied position is
 * committed with the changes. A dropped connection rolls back the open batch and streams again from the
 * applied position.
 *
 * <p>That skip is the whole of a table's tolerance window: a table is copied from a snapshot whose binlog
 * position (and GTID set) was read under the global read lock, or is MariaDB's own {@code
 * Binlog_snapshot_position}, so exactly the transactions before it are in the copy and exactly the later ones
 * reach the applier. A later change that does not fit a transactional table is a divergence, never a leftover
 * of the copy (see {@link ChangeApplier}). Not thread-safe: one run per instance.
 */
final class ApplyLoop {
    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);
    static final long MAX_BATCH_ROWS = 5_000;
    static final long MAX_BATCH_MILLIS = 100;
    private static final long POLL_MILLIS = 20;
    private static final long IDLE_RECORD_MILLIS = 1_000;
    private static final long STALL_MILLIS = 6 * BinlogStream.HEARTBEAT_MILLIS;

    /** Opens a stream from a position (a new replica connection). */
    @FunctionalInterface
    interface StreamOpener {
        BinlogStream open(BinlogPosition from);
    }

    private final ReplicationContext ctx;
    private final StreamOpener opener;
    private final ChangeApplier applier;
    private final LagMeter lag;
    private final ReplicationListener listener;
    private final PendingBatch batch = new PendingBatch(MAX_BATCH_ROWS, MAX_BATCH_MILLIS);
    private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    private final StatementReplay statements;
    private final RowRouter rows;
    private StreamState state;
    private BinlogPosition applied;
    private Instant appliedTime;
    private long lastIdleRecord;
    private long skipped;

    ApplyLoop(ReplicationContext ctx, StreamOpener opener, ChangeApplier applier, LagMeter lag, ReplicationListener listener) {
        this.ctx = ctx;
        this.opener = opener;
        this.applier = applier;
        this.lag = lag;
        this.listener = listener;
        this.statements = new StatementReplay(ctx, applier, listener);
        this.rows = new RowRouter(ctx, applier, listener);
    }

    private Reconnects reconnects;

    /** Streams from {@code from} (already applied) until the stop position is applied; rolls back and throws otherwise. */
    void run(BinlogPosition from, Instant fromTime, Optional<String> pendingDdl) throws InterruptedException {
        applied = from;
        appliedTime = fromTime;
        state = new StreamState(ctx.flavor(), from);
        statements.replayAfterCrash(pendingDdl.orElse(null));
        reconnects = new Reconnects(ctx, listener);
        try {
            while (true) {
                BinlogPosition attemptFrom = applied;
                try (BinlogStream stream = opener.open(applied)) {
                    if (stream(stream)) {
                        return;
                    }
                } catch (Reconnects.Disconnected d) {
                    applier.rollback();
                    batch.reset();
                    tableMaps.clear();
                    state.reset(applied);
                    reconnects.lost(d, Coordinates.compare(applied, attemptFrom) > 0, applied);
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            applier.rollback();
            batch.reset();
            throw e;
        } finally {
            log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("database", ctx.database()).addKeyValue("position", applied.text())
                    .addKeyValue("skippedTransactions", skipped).addKeyValue("rowsNotFound", applier.rowsNotFound())
                    .addKeyValue("rowsDiverged", applier.rowsDiverged())
                    .log("change replication stopped");
        }
    }

    /** True when stopped at the stop position. */
    private boolean stream(BinlogStream stream) throws InterruptedException, Reconnects.Disconnected {
        long lastEvent = ctx.clock().millis();
        while (true) {
            if (ctx.cancelled().getAsBoolean() || Thread.interrupted()) {
                throw new InterruptedException("replication of job " + ctx.job() + " was stopped");
            }
            BinlogStream.Item item = stream.poll(POLL_MILLIS);
            long now = ctx.clock().millis();
            switch (item) {
                case null -> {
                    idle(now);
                    if (now - lastEvent > STALL_MILLIS) {
                        throw new Reconnects.Disconnected("no event or heartbeat for " + (now - lastEvent) / 1000 + " s", null);
                    }
                }
                case BinlogStream.Item.Received r -> {
                    lastEvent = now;
                    reconnects.streaming();
                    handle(r.event(), now);
                }
                case BinlogStream.Item.Failed f -> throw Reconnects.classify(f, ctx, applied);
                case BinlogStream.Item.Ended e -> throw new Reconnects.Disconnected("the source ended the stream", null);
            }
            if (state.txn() == null && batch.isEmpty() && ctx.stopReached(applied)) {
                return true;
            }
            lag.maybeReport(now, listener, batch.oldestTime(), item != null, appliedTime, applied);
        }
    }

    private void handle(Event event, long now) {
        EventHeaderV4 h = event.getHeader();
        switch (h.getEventType()) {
            case ROTATE -> {
                RotateEventData r = event.getData();
                state.rotate(r.getBinlogFilename(), r.getBinlogPosition());
            }
            case GTID -> begin(((GtidEventData) event.getData()).getMySqlGtid().toString(), h, false, now);
            case GTID_TAGGED -> begin(((GtidTaggedEventData) event.getData()).getMySqlGtid().toString(), h, false, now);
            case MARIADB_GTID -> {
                MariadbGtidEventData g = event.getData();
                String gtid = Long.toUnsignedString(g.getDomainId()) + "-" + h.getServerId() + "-" + Long.toUnsignedString(g.getSequence());
                begin(gtid, h, (g.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0, now);
            }
            case ANONYMOUS_GTID -> begin(null, h, false, now);
            case QUERY -> query(event.getData(), h, now);
            case TABLE_MAP -> {
                TableMapEventData t = event.getData();
                tableMaps.put(t.getTableId(), t);
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData w = event.getData();
                batchRows(rows.apply(txnFor(h), table(w.getTableId()), ChangeSql.Kind.INSERT, null, w.getIncludedColumns(),
                        List.of(), w.getRows()));
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData u = event.getData();
                List<Serializable[]> befores = u.getRows().stream().map(Map.Entry::getKey).toList();
                List<Serializable[]> afters = u.getRows().stream().map(Map.Entry::getValue).toList();
                batchRows(rows.apply(txnFor(h), table(u.getTableId()), ChangeSql.Kind.UPDATE, u.getIncludedColumnsBeforeUpdate(),
                        u.getIncludedColumns(), befores, afters));
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData d = event.getData();
                batchRows(rows.apply(txnFor(h), table(d.getTableId()), ChangeSql.Kind.DELETE, d.getIncludedColumns(), null,
                        d.getRows(), List.of()));
            }
            case XID -> end(h, now);
            case TRANSACTION_PAYLOAD -> throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Source %s:%d compresses its binary"
                    + " log (binlog_transaction_compression=ON), which Ferry cannot read; turn it off and restart the job")
                    .formatted(ctx.source().host(), ctx.source().port()));
            case XA_PREPARE -> throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Source %s:%d logged an XA transaction"
                    + " at %s:%d, which Ferry cannot replicate; finish the migration without XA").formatted(ctx.source().host(),
                    ctx.source().port(), state.file(), h.getPosition()));
            case HEARTBEAT, HEARTBEAT_V2 -> { }
            default -> state.advance(h.getNextPosition());
        }
    }

    private void begin(String gtid, EventHeaderV4 h, boolean begun, long now) {
        if (state.txn() != null) {
            throw new IllegalStateException("binlog of job " + ctx.job() + " starts a transaction at " + state.file() + ":"
                    + h.getPosition() + " before the previous one ended");
        }
        Txn txn = state.begin(gtid, h.getPosition(), h.getTimestamp(), begun);
        txn.skip = gtid != null && ctx.byGtid() ? state.contains(gtid) : Coordinates.compare(txn.start, applied) < 0;
        if (!txn.skip) {
            batch.begin(Instant.ofEpochMilli(h.getTimestamp()), now);
        }
    }

    private void query(QueryEventData q, EventHeaderV4 h, long now) {
        String sql = DdlReader.stripLeadingComments(q.getSql());
        String head = sql.substring(0, Math.min(20, sql.length())).toUpperCase(Locale.ROOT);
        if (head.equals("BEGIN") || head.startsWith("XA START")) {
            if (state.txn() == null) {
                begin(null, h, true, now);
            }
            state.txn().begun = true;
            return;
        }
        if (head.equals("COMMIT") || head.equals("ROLLBACK")) {
            if (head.equals("ROLLBACK")) {
                log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("position", state.file() + ":" + h.getPosition())
                        .log("a logged transaction ends in ROLLBACK; its logged changes (non-transactional tables) are kept");
            }
            end(h, now);
            return;
        }
        if (head.startsWith("SAVEPOINT") || head.startsWith("ROLLBACK TO") || head.startsWith("RELEASE SAVEPOINT")) {
            return;
        }
        boolean standalone = state.txn() == null || !state.txn().begun;
        if (state.txn() == null) {
            begin(null, h, false, now);
        }
        Txn txn = state.txn();
        Optional<StatementReplay.Replay> ddl = standalone && !txn.skip ? statements.replayable(q.getDatabase(), q.getSql(), txn) : Optional.empty();
        if (ddl.isPresent()) {
            if (!batch.isEmpty()) {
                commitBatch();
            }
            BinlogPosition end = state.after(h.getNextPosition());
            Instant time = Instant.ofEpochMilli(h.getTimestamp());
            statements.replay(ddl.get(), applied, appliedTime, end, time);
            state.end(h.getNextPosition());
            batch.reset();
            applied = end;
            appliedTime = time;
            return;
        }
        if (!txn.skip) {
            statements.ignore(q.getDatabase(), q.getSql());
        }
        if (standalone) {
            end(h, now);
        }
    }

    private void end(EventHeaderV4 h, long now) {
        Txn txn = state.txn();
        BinlogPosition end = state.end(h.getNextPosition());
        if (txn != null && txn.skip) {
            skipped++;
            return;
        }
        batch.ended(end, Instant.ofEpochMilli(h.getTimestamp()));
        if (batch.shouldCommit(now) || ctx.stopReached(end)) {
            commitBatch();
        }
    }

    private Txn txnFor(EventHeaderV4 h) {
        if (state.txn() == null) {
            throw new IllegalStateException("binlog of job " + ctx.job() + " has a row event outside a transaction at "
                    + state.file() + ":" + h.getPosition());
        }
        return state.txn();
    }

    private TableMapEventData table(long tableId) {
        TableMapEventData t = tableMaps.get(tableId);
        if (t == null) {
            throw new IllegalStateException("binlog of job " + ctx.job() + " has a row event for table id " + tableId
                    + " before its table map");
        }
        return t;
    }

    private void batchRows(Map.Entry<TableRef, Long> counted) {
        if (counted != null) {
            batch.countRows(counted.getKey(), counted.getValue());
        }
    }

    private void commitBatch() {
        applier.commit(batch.last(), batch.lastCommitTime(), null);
        applied = batch.last();
        appliedTime = batch.lastCommitTime();
        Map<TableRef, Long> counts = batch.rowsByTable();
        batch.reset();
        listener.applied(applied, appliedTime, counts);
    }

    /** Nothing arrived: commit what is whole, then record the position reached if everything is applied. */
    private void idle(long now) {
        if (state.txn() != null) {
            return;
        }
        if (!batch.isEmpty()) {
            commitBatch();
            return;
        }
        boolean moved = !state.file().equals(applied.file()) || state.offset() != applied.offset();
        if (moved && (now - lastIdleRecord >= IDLE_RECORD_MILLIS || ctx.stopReached(state.position()))) {
            lastIdleRecord = now;
            BinlogPosition reached = state.position();
            applier.commit(reached, appliedTime, null);
            applied = reached;
            listener.applied(applied, appliedTime != null ? appliedTime : ctx.clock().instant(), Map.of());
        }
    }
}
