package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangePipeline;
import dev.ferry.core.cdc.LagProbe;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.cdc.PositionOrder;
import dev.ferry.core.cdc.UninterruptedRun;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.engine.postgres.schema.PgTools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change replication of one PostgreSQL database (see {@link Replication}): the job's slot streamed with
 * pgoutput and applied to the same database on the destination, with the progress recorded in the
 * destination's {@code ferry.replication_progress}. {@link #run} opens and closes its own connections;
 * {@link #stopAt}, {@link #sourceHead} and {@link #applied} may be called from other threads.
 */
public final class PgReplication implements Replication {
    private static final Logger log = LoggerFactory.getLogger(PgReplication.class);

    private final ReplicationRequest request;
    private final DatabaseConnection source;
    private final DatabaseConnection destination;
    private final Clock clock;
    private final long start;
    private final String slot;
    private final String publication;
    private final AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
    private final UninterruptedRun worker;
    /** How often {@link #run} started; a later run is a reconnect after a fault. */
    private final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();

    /** How often the source's catalog is read for tables created, rewritten or dropped. */
    static final long CATALOG_POLL_MILLIS = 2_000;
    private final Supplier<PgTools> tools;

    private PgReplication(ReplicationRequest request, Clock clock, Supplier<PgTools> tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
        this.request = request;
        this.source = request.source().withDatabase(request.database());
        this.destination = request.destination().withDatabase(request.database());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.start = lsn(request.start(), "start");
        var names = names();
        this.slot = names.slot();
        this.publication = names.publication();
        this.worker = new UninterruptedRun("replication of job " + request.jobName());
    }

    private dev.ferry.core.spi.engine.ReplicationObjects names() {
        return request.replicationObjects() != null ? request.replicationObjects()
                : ReplicationNames.of(null, request.jobName(), request.database());
    }

    /** Checks that the job's slot and publication exist on the source; nothing streams until {@link #run}. */
    public static PgReplication open(ReplicationRequest request, Clock clock) {
        return open(request, clock, PgTools::locate);
    }

    /** As {@link #open(ReplicationRequest, Clock)}; {@code tools} dump the definition of tables created meanwhile. */
    public static PgReplication open(ReplicationRequest request, Clock clock, Supplier<PgTools> tools) {
        PgReplication replication = new PgReplication(request, clock, tools);
        PgErrors.call(replication.source, "checking replication slot " + replication.slot, () -> {
            try (Connection c = PgConnector.open(replication.source)) {
                replication.checkSource(c);
                return null;
            }
        });
        return replication;
    }

    /**
     * Runs the replication on its own virtual thread, which is never interrupted: interrupting the
     * caller asks it to stop between two messages, roll back the open batch and close its sessions
     * cleanly (an interrupt that reached a virtual thread inside socket I/O would close the socket under
     * the driver instead). Then throws InterruptedException.
     */
    @Override
    public void run(ReplicationListener listener) throws InterruptedException {
        Objects.requireNonNull(listener, "listener");
        try {
            worker.run(cancelled -> replicate(listener, cancelled));
        } catch (AssertionError e) {
            if (!fromDriver(e)) {
                throw e;
            }
            throw new FerryException(ErrorCode.UNAVAILABLE, ("The PostgreSQL driver failed on a broken connection while "
                    + "replicating job %s (%s); reconnecting").formatted(request.jobName(), e.getMessage()), e);
        }
    }

    private void replicate(ReplicationListener listener, BooleanSupplier cancelled) throws InterruptedException {
        var gate = new DivergenceGate(request.reliability().effectiveOnDivergence(), listener);
        var sinks = new PgChangeSinks(source, destination, request.jobName(), request.fence(), gate, listener);
        try (Connection sourceSql = PgConnector.open(source)) {
            // Under a lease this claims the job's progress rows first (see PgChangeSinks#recorded).
            Map<Integer, Mark<PgLsn>> recorded = sinks.recorded();
            long from = Math.max(start, recorded.values().stream().mapToLong(m -> m.applied().value()).min().orElse(0L));
            checkSource(sourceSql, from, !recorded.isEmpty());
            // Under a lease, whoever still holds the slot is a node that lost the job (frozen or cut off, its WAL sender
            // alive until the source's wal_sender_timeout): the claim above fenced its commits, so its sender can go.
            boolean reconnect = runs.incrementAndGet() > 1;
            if (reconnect || request.fenceEpoch() > 0) {
                endStaleSender(sourceSql, reconnect, listener);
            }
            int partitions = request.effectiveApplyPartitions(Runtime.getRuntime().availableProcessors());
            log.atInfo().addKeyValue("job", request.jobName()).addKeyValue("database", request.database())
                    .addKeyValue("slot", slot).addKeyValue("position", new PgLsn(from).lsn()).addKeyValue("partitions", partitions)
                    .log("change replication starting");
            LagMeter lag = new LagMeter(sourceSql, source, clock);
            boolean capture = captureInstalled(sourceSql, listener);
            var sourceSettings = new PgChangeSource.Settings(request.jobName(), source, slot, publication,
                    request.reliability().effectiveStallTimeout(), clock, capture ? DdlCapture.names(names()) : null);
            var shapes = new ShapeTracker(source, destination, request.reliability().effectiveKeepDroppedColumns());
            var watch = new CatalogWatch(new CatalogWatch.Settings(request.jobName(), source, destination, slot, publication,
                    new ObjectSelection(request.objects(), EngineKind.POSTGRESQL), tools, CATALOG_POLL_MILLIS, capture), shapes,
                    copiedAt());
            watch.recorded(PgErrors.call(destination, "reading the tables copied during replication", () -> {
                try (Connection c = PgConnector.open(destination)) {
                    return TableStates.read(c, request.jobName());
                }
            }));
            var changes = new PgChangeSource(sourceSettings, listener, shapes, watch, new UniqueKeys(destination), lag::lastHead);
            var settings = ChangePipeline.Settings.<PgLsn>of(request.jobName(), partitions, new PgLsn(start),
                    () -> stopAt.get() == Long.MAX_VALUE ? null : new PgLsn(stopAt.get()), cancelled, clock);
            LagProbe<PgLsn> probe = (now, l, oldest, busy, appliedTime, applied) ->
                    lag.maybeReport(now, l, oldest, busy, appliedTime, applied.value());
            new ChangePipeline<>(settings, ORDER, changes, sinks, PgChange::merge, probe, listener).run();
        } catch (SQLException e) {
            throw PgErrors.translate(e, source, "reading the source's replication state");
        }
    }

    /**
     * Whether DDL is captured: the job asks for it and its capture is on the source (it is installed when the job
     * starts from nothing, so a job that turned the setting on later follows schema changes from the stream).
     */
    private boolean captureInstalled(Connection c, ReplicationListener listener) throws SQLException {
        if (!request.reliability().effectiveCaptureDdl()) {
            return false;
        }
        if (DdlCapture.installed(c, DdlCapture.names(names()))) {
            return true;
        }
        log.atWarn().addKeyValue("job", request.jobName()).addKeyValue("database", request.database())
                .log("DDL capture is set but not installed on the source; following schema changes from the stream");
        listener.notice(("Job %s captures DDL, but database %s on the source has no capture of this job (it is installed "
                + "when the job starts from nothing; restart the job to install it): schema changes are followed from the "
                + "change stream instead").formatted(request.jobName(), request.database()));
        return false;
    }

    /** WAL positions in order; a transaction is applied when its commit record starts before the applied position. */
    static final PositionOrder<PgLsn> ORDER = (a, b) -> Long.compare(a.value(), b.value());

    /**
     * On a reconnect the job's own slot may still be held by the WAL sender of the connection that died (the
     * source learns of a cut connection only from its wal_sender_timeout or TCP keep-alives); and when the job moved
     * to this node (its lease is fenced), by the WAL sender of the previous owner, which may be frozen or cut off.
     * That sender is ended, and only one holding the job's own slot, so the slot can be streamed again at once. The
     * job's lease is checked first: a node that lost the job never ends its new owner's sender.
     */
    private void endStaleSender(Connection c, boolean reconnect, ReplicationListener listener) throws SQLException {
        if (!SourceLog.slotActive(c, slot)) {
            return;
        }
        request.fence().check();
        OptionalInt ended = SourceLog.endSlotHolder(c, slot);
        if (ended.isEmpty()) {
            return;
        }
        if (reconnect) {
            log.atWarn().addKeyValue("job", request.jobName()).addKeyValue("slot", slot).addKeyValue("pid", ended.getAsInt())
                    .log("the job's slot was still held by the WAL sender of a lost connection; ended it");
        } else {
            log.atWarn().addKeyValue("job", request.jobName()).addKeyValue("slot", slot).addKeyValue("pid", ended.getAsInt())
                    .addKeyValue("epoch", request.fenceEpoch())
                    .log("the job's slot was held by the WAL sender of the job's previous owner; ended it to take the slot");
            listener.notice(("Ended the WAL sender (process %d on source %s:%d) that still held replication slot %s for the "
                    + "job's previous owner, so this node streams from the slot at once").formatted(ended.getAsInt(),
                    source.host(), source.port(), slot));
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (SourceLog.slotActive(c, slot) && System.nanoTime() < deadline) {
            try {
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException(ErrorCode.CANCELLED, "Replication of job %s was stopped".formatted(request.jobName()), e);
            }
        }
    }

    /**
     * pgjdbc asserts that a broken connection still answers some calls; with assertions on (tests) that is an
     * AssertionError from inside the driver, which means the connection is gone, not a bug of Ferry.
     */
    private static boolean fromDriver(AssertionError e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("org.postgresql.");
    }

    @Override
    public void stopAt(Position position) {
        stopAt.set(lsn(position, "stop position"));
    }

    @Override
    public Position sourceHead() {
        return new PgLsn(PgErrors.call(source, "reading the source's WAL position", () -> {
            try (Connection c = PgConnector.open(source)) {
                return SourceLog.currentWalLsn(c);
            }
        }));
    }

    @Override
    public Position applied() {
        Optional<Mark<PgLsn>> recorded = PgErrors.call(destination, "reading the applied position", () -> {
            try (Connection c = PgConnector.open(destination)) {
                return ProgressTable.earliest(c, request.jobName());
            }
        });
        return new PgLsn(Math.max(start, recorded.map(m -> m.applied().value()).orElse(0L)));
    }

    @Override
    public void close() {
        // run() owns every connection and closes them before it returns; nothing is held between runs.
    }

    private void checkSource(Connection c) throws SQLException {
        checkSource(c, start, false);
    }

    /**
     * The slot must exist in this database and must not have confirmed more than the destination has
     * (that would mean changes were consumed elsewhere and are lost to this job).
     */
    private void checkSource(Connection c, long applied, boolean recorded) throws SQLException {
        String where = source.host() + ":" + source.port();
        var state = SourceLog.slot(c, slot).orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Replication slot %s no longer exists on source %s; restart the job".formatted(slot, where)));
        if (!request.database().equals(state.database()) || !"pgoutput".equals(state.plugin())) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s on source %s belongs to database %s "
                    + "with plugin %s, not to %s with pgoutput; drop it and restart the job").formatted(slot, where,
                    state.database(), state.plugin(), request.database()));
        }
        if (!SourceLog.publicationExists(c, publication)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "Publication %s no longer exists in database %s on source %s; restart the job"
                    .formatted(publication, request.database(), where));
        }
        if (recorded && state.confirmedFlush() > applied) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s on source %s confirmed %s but the "
                    + "destination has applied only up to %s: changes in between were consumed elsewhere; restart the job")
                    .formatted(slot, where, new PgLsn(state.confirmedFlush()).lsn(), new PgLsn(applied).lsn()));
        }
    }

    private Map<TableRef, Long> copiedAt() {
        Map<TableRef, Long> positions = new HashMap<>();
        request.copiedAt().forEach((table, position) -> positions.put(table, lsn(position, "copy position of " + table)));
        return positions;
    }

    private static long lsn(Position position, String what) {
        if (position instanceof PgLsn lsn) {
            return lsn.value();
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                "The replication %s %s is not a PostgreSQL WAL position".formatted(what, position == null ? null : position.text()));
    }
}
