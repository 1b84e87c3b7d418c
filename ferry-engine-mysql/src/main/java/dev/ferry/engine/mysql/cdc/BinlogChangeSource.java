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
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangeEvent.Barrier;
import dev.ferry.core.cdc.ChangeEvent.Begin;
import dev.ferry.core.cdc.ChangeEvent.Commit;
import dev.ferry.core.cdc.ChangeEvent.Reached;
import dev.ferry.core.cdc.ChangeEvent.Row;
import dev.ferry.core.cdc.ChangeSource;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary log of one database as a {@link ChangeSource}: one replica connection ({@link BinlogStream}) from the
 * position the pipeline gives, decoded in order into transactions of row changes ({@link BinlogChange}, one per row of
 * a rows event), with the table maps, the GTID state and the position kept by {@link StreamState}. What the job does
 * not apply never leaves here: rows of other databases, of unselected tables, of sequences, and of tables copied at a
 * later position ({@link RowRouter}); statements that are not replayed ({@link StatementReplay}). A DDL statement to
 * replay becomes a standalone barrier, and the source reads on only once it is applied, so that the table definitions
 * it reads from the destination match the rows that follow. A transaction whose rows are all filtered out still
 * arrives, empty, so that positions move; between transactions, an idle stream reports how far it is ({@link
 * Reached}).
 *
 * <p>A stream that cannot go on throws from {@link #stream}: a lost connection, an end of stream, or six heartbeat
 * intervals without an event or heartbeat as UNAVAILABLE (the job's retrier runs the replication again from the
 * applied position); a refusal by the source (a purged binlog, a missing privilege) and an event that cannot be decoded
 * as the errors they are. Runs on the pipeline's reader thread; {@link #acknowledge} may be called from any thread. Owns
 * the destination session it reads table definitions with, closed by {@link #close}.
 */
final class BinlogChangeSource implements ChangeSource<BinlogPosition> {
    private static final Logger log = LoggerFactory.getLogger(BinlogChangeSource.class);
    private static final long POLL_MILLIS = 20;
    static final long STALL_MILLIS = 6 * BinlogStream.HEARTBEAT_MILLIS;
    /** How often an idle stream says again how far it is while the pipeline has not recorded it. */
    private static final long REACHED_AGAIN_MILLIS = 1_000;

    /** Opens a stream from a position (a new replica connection). */
    @FunctionalInterface
    interface StreamOpener {
        BinlogStream open(BinlogPosition from);
    }

    private final ReplicationContext ctx;
    private final StreamOpener opener;
    private final Connection catalogSession;
    private final DestinationCatalog catalog;
    private final StatementReplay statements;
    private final RowRouter rows;
    private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    private final ReentrantLock ackLock = new ReentrantLock();
    private final Condition acked = ackLock.newCondition();
    private BinlogPosition acknowledged;

    private StreamState state;
    private BinlogPosition from;
    /** The open transaction's Begin while nothing of it was handed on; null once it was (or between transactions). */
    private Begin<BinlogPosition> unsent;
    private BinlogPosition lastReached;
    private long lastReachedAt;

    /** {@code catalogSession} is a session on {@code destination} of its own (autocommit), closed with this source. */
    BinlogChangeSource(ReplicationContext ctx, StreamOpener opener, Connection catalogSession,
            dev.ferry.core.model.DatabaseConnection destination, ReplicationListener listener) {
        this.ctx = ctx;
        this.opener = opener;
        this.catalogSession = catalogSession;
        this.catalog = new DestinationCatalog(catalogSession, destination);
        this.statements = new StatementReplay(ctx, catalog, listener);
        this.rows = new RowRouter(ctx, catalog, listener);
    }

    @Override
    public void stream(BinlogPosition from, Events<BinlogPosition> out) throws InterruptedException {
        this.from = from;
        this.state = new StreamState(ctx.flavor(), from);
        this.lastReached = from;
        tableMaps.clear();
        unsent = null;
        try (BinlogStream stream = opener.open(from)) {
            long heardAt = ctx.clock().millis();
            while (!out.done()) {
                BinlogStream.Item item = stream.poll(POLL_MILLIS);
                long now = ctx.clock().millis();
                switch (item) {
                    case null -> {
                        out.flush();
                        idle(now, out);
                        if (now - heardAt > STALL_MILLIS) {
                            throw lost("no event or heartbeat for " + (now - heardAt) / 1000 + " s", null);
                        }
                    }
                    case BinlogStream.Item.Received r -> {
                        handle(r.event(), out);
                        heardAt = ctx.clock().millis();
                    }
                    case BinlogStream.Item.Failed f -> throw failed(f);
                    case BinlogStream.Item.Ended e -> throw lost("the source ended the stream", null);
                }
            }
        }
    }

    @Override
    public void acknowledge(BinlogPosition applied) {
        ackLock.lock();
        try {
            if (acknowledged == null || Coordinates.compare(applied, acknowledged) > 0) {
                acknowledged = applied;
                acked.signalAll();
            }
        } finally {
            ackLock.unlock();
        }
    }

    @Override
    public void close() {
        try {
            catalogSession.close();
        } catch (SQLException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing the destination catalog session failed");
        }
    }

    private void handle(Event event, Events<BinlogPosition> out) throws InterruptedException {
        EventHeaderV4 h = event.getHeader();
        switch (h.getEventType()) {
            case ROTATE -> {
                RotateEventData r = event.getData();
                state.rotate(r.getBinlogFilename(), r.getBinlogPosition());
            }
            case GTID -> begin(((GtidEventData) event.getData()).getMySqlGtid().toString(), h, false);
            case GTID_TAGGED -> begin(((GtidTaggedEventData) event.getData()).getMySqlGtid().toString(), h, false);
            case MARIADB_GTID -> {
                MariadbGtidEventData g = event.getData();
                String gtid = Long.toUnsignedString(g.getDomainId()) + "-" + h.getServerId() + "-" + Long.toUnsignedString(g.getSequence());
                begin(gtid, h, (g.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0);
            }
            case ANONYMOUS_GTID -> begin(null, h, false);
            case QUERY -> query(event.getData(), h, out);
            case TABLE_MAP -> {
                TableMapEventData t = event.getData();
                tableMaps.put(t.getTableId(), t);
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData w = event.getData();
                send(rows.route(txnFor(h), table(w.getTableId()), Op.INSERT, null, w.getIncludedColumns(), List.of(), w.getRows()), out);
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData u = event.getData();
                List<Serializable[]> befores = u.getRows().stream().map(Map.Entry::getKey).toList();
                List<Serializable[]> afters = u.getRows().stream().map(Map.Entry::getValue).toList();
                send(rows.route(txnFor(h), table(u.getTableId()), Op.UPDATE, u.getIncludedColumnsBeforeUpdate(), u.getIncludedColumns(),
                        befores, afters), out);
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData d = event.getData();
                send(rows.route(txnFor(h), table(d.getTableId()), Op.DELETE, d.getIncludedColumns(), null, d.getRows(), List.of()), out);
            }
            case XID -> end(h, out);
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

    private void begin(String gtid, EventHeaderV4 h, boolean begun) {
        if (state.txn() != null) {
            throw new IllegalStateException("binlog of job " + ctx.job() + " starts a transaction at " + state.file() + ":"
                    + h.getPosition() + " before the previous one ended");
        }
        Txn txn = state.begin(gtid, h.getPosition(), h.getTimestamp(), begun);
        unsent = new Begin<>(txn.start, gtid != null ? gtid : BinlogOrder.name(txn.start), Instant.ofEpochMilli(h.getTimestamp()));
    }

    private void query(QueryEventData q, EventHeaderV4 h, Events<BinlogPosition> out) throws InterruptedException {
        String sql = DdlReader.stripLeadingComments(q.getSql());
        String head = sql.substring(0, Math.min(20, sql.length())).toUpperCase(Locale.ROOT);
        if (head.equals("BEGIN") || head.startsWith("XA START")) {
            if (state.txn() == null) {
                begin(null, h, true);
            }
            state.txn().begun = true;
            return;
        }
        if (head.equals("COMMIT") || head.equals("ROLLBACK")) {
            if (head.equals("ROLLBACK")) {
                log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("position", state.file() + ":" + h.getPosition())
                        .log("a logged transaction ends in ROLLBACK; its logged changes (non-transactional tables) are kept");
            }
            end(h, out);
            return;
        }
        if (head.startsWith("SAVEPOINT") || head.startsWith("ROLLBACK TO") || head.startsWith("RELEASE SAVEPOINT")) {
            return;
        }
        boolean standalone = state.txn() == null || !state.txn().begun;
        if (state.txn() == null) {
            begin(null, h, false);
        }
        Txn txn = state.txn();
        Optional<StatementReplay.Replay> ddl = standalone ? statements.replayable(q.getDatabase(), q.getSql(), txn) : Optional.empty();
        if (q instanceof ClientQueryDeserializer.ClientQuery written) {
            ddl = ddl.map(r -> r.writtenIn(written.clientCollation(), written.connectionCollation(),
                    r.sql().equals(q.getSql()) ? written.sqlBytes() : null));
        }
        if (ddl.isPresent()) {
            if (unsent == null) {
                throw new IllegalStateException("binlog of job " + ctx.job() + " has a DDL statement at " + state.file() + ":"
                        + h.getPosition() + " after row changes of its own transaction");
            }
            BinlogPosition end = state.after(h.getNextPosition());
            state.end(h.getNextPosition());
            unsent = null;
            out.put(new Barrier<>(ddl.get(), "DDL " + ChangeApplier.abbreviate(ddl.get().sql()), end,
                    Instant.ofEpochMilli(h.getTimestamp())));
            awaitApplied(end, out);
            catalog.forget();
            return;
        }
        statements.ignore(q.getDatabase(), q.getSql());
        if (standalone) {
            end(h, out);
        }
    }

    /** The open transaction ends: its Commit (with its Begin when nothing of it was handed on, so positions move). */
    private void end(EventHeaderV4 h, Events<BinlogPosition> out) throws InterruptedException {
        boolean open = state.txn() != null;
        BinlogPosition end = state.end(h.getNextPosition());
        if (!open) {
            return;
        }
        if (unsent != null) {
            out.put(unsent);
            unsent = null;
        }
        out.put(new Commit<>(end, Instant.ofEpochMilli(h.getTimestamp())));
    }

    private void send(List<BinlogChange> changes, Events<BinlogPosition> out) throws InterruptedException {
        for (BinlogChange change : changes) {
            if (unsent != null) {
                out.put(unsent);
                unsent = null;
            }
            out.put(new Row<>(change));
        }
    }

    /** Nothing arrived: between transactions, says how far the stream is when that moved or is not yet recorded. */
    private void idle(long now, Events<BinlogPosition> out) throws InterruptedException {
        if (state.txn() != null) {
            return;
        }
        BinlogPosition at = state.position();
        BinlogPosition ack = acknowledged();
        boolean moved = Coordinates.compare(at, lastReached) > 0;
        boolean unrecorded = ack == null ? moved : Coordinates.compare(ack, at) < 0;
        if (moved || unrecorded && now - lastReachedAt >= REACHED_AGAIN_MILLIS) {
            lastReached = at;
            lastReachedAt = now;
            out.put(new Reached<>(at));
        }
    }

    /** Waits until the pipeline applied everything up to {@code end} (a barrier), or stops. */
    private void awaitApplied(BinlogPosition end, Events<BinlogPosition> out) throws InterruptedException {
        if (Coordinates.compare(end, from) <= 0) {
            return;
        }
        ackLock.lock();
        try {
            while (!out.done() && (acknowledged == null || Coordinates.compare(acknowledged, end) < 0)) {
                acked.await(50, TimeUnit.MILLISECONDS);
            }
        } finally {
            ackLock.unlock();
        }
    }

    private BinlogPosition acknowledged() {
        ackLock.lock();
        try {
            return acknowledged;
        } finally {
            ackLock.unlock();
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

    /** A refusal by the source or an undecodable event is final; anything else is a lost stream. */
    private RuntimeException failed(BinlogStream.Item.Failed f) {
        if (f.error() instanceof ServerException s) {
            return ctx.refused(s, from);
        }
        if (f.undecodable()) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, ("An event of the source's binary log after %s could not be"
                    + " decoded (%s); the change cannot be replicated faithfully, so replication stopped").formatted(
                    state.position().text(), f.error().getMessage()), f.error());
        }
        return lost(String.valueOf(f.error().getMessage()), f.error());
    }

    /** The stream is lost: the job's retrier streams again from the applied position. */
    private FerryException lost(String why, Throwable cause) {
        log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("database", ctx.database()).addKeyValue("position", state.position().text())
                .addKeyValue("reason", why).log("binlog connection lost; replication runs again from the applied position");
        return new FerryException(ErrorCode.UNAVAILABLE, "The binlog connection to source %s:%d was lost (%s)".formatted(
                ctx.source().host(), ctx.source().port(), why), cause);
    }
}
