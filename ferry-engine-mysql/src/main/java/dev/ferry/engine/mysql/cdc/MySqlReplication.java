package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.cdc.ProgressTable.Progress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change replication of one MySQL/MariaDB database (see {@link Replication}): the source's binary log read as
 * a replica with its own server id, from the GTID state when the start position has one (else by file and
 * offset), applied to the same database on the destination with the progress in {@code ferry.replication_progress}.
 * {@link #run} opens and closes its own connections; {@link #stopAt}, {@link #sourceHead} and {@link #applied}
 * may be called from other threads.
 */
public final class MySqlReplication implements Replication {
    private static final Logger log = LoggerFactory.getLogger(MySqlReplication.class);

    private final ReplicationRequest request;
    private final MySqlConnector connector;
    private final Clock clock;
    private final BinlogPosition start;
    private final AtomicReference<BinlogPosition> stopAt = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean();

    private MySqlReplication(ReplicationRequest request, MySqlConnector connector, Clock clock) {
        this.request = request;
        this.connector = connector;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.start = Coordinates.binlog(request.start(), "start");
        request.copiedAt().forEach((t, p) -> Coordinates.binlog(p, "copy position of " + t));
    }

    /** Checks the source can stream from the start position; nothing streams until {@link #run}. */
    public static MySqlReplication open(ReplicationRequest request, MySqlConnector connector, Clock clock) {
        MySqlReplication replication = new MySqlReplication(request, connector, clock);
        try (Connection c = connector.open(request.source(), null, MySqlConnector.Role.SOURCE)) {
            replication.checkSource(c, replication.start);
        } catch (SQLException e) {
            throw SqlErrors.map(e, request.source(), "read the binary log settings");
        }
        return replication;
    }

    /**
     * Runs on its own virtual thread, which is never interrupted: interrupting the caller asks it to stop
     * between two events, roll back the open batch and close its sessions; then this throws InterruptedException.
     */
    @Override
    public void run(ReplicationListener listener) throws InterruptedException {
        Objects.requireNonNull(listener, "listener");
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("replication of job " + request.jobName() + " is already running");
        }
        try {
            var cancelled = new AtomicBoolean();
            var failure = new AtomicReference<Throwable>();
            Thread worker = Thread.ofVirtual().name("ferry-replication-" + request.jobName()).start(() -> {
                try {
                    replicate(listener, cancelled::get);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            try {
                worker.join();
            } catch (InterruptedException e) {
                cancelled.set(true);
                joinUninterruptibly(worker);
                if (failure.get() != null && !(failure.get() instanceof InterruptedException)) {
                    e.addSuppressed(failure.get());
                }
                throw e;
            }
            switch (failure.get()) {
                case null -> { }
                case InterruptedException e -> throw e;
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                case Throwable e -> throw new IllegalStateException("replication of job " + request.jobName() + " failed", e);
            }
        } finally {
            running.set(false);
        }
    }

    private void replicate(ReplicationListener listener, BooleanSupplier cancelled) throws InterruptedException {
        DatabaseConnection source = request.source();
        try (Connection sourceSql = connector.open(source, null, MySqlConnector.Role.SOURCE);
                ChangeApplier applier = ChangeApplier.open(connector, request.destination(), request.jobName(), request.database(),
                        new DivergenceGate(request.reliability().effectiveOnDivergence(), listener))) {
            ServerVersion version = ServerVersion.of(sourceSql);
            Flavor flavor = version.flavor();
            long serverId = ServerIds.of(request.jobName(), request.database(), Sql.queryLong(sourceSql, "SELECT @@GLOBAL.server_id"));
            Optional<Progress> recorded = applier.recorded();
            Optional<Progress> resumed = recorded.filter(p -> Coordinates.compare(p.position(), start) >= 0);
            BinlogPosition from = resumed.map(Progress::position).orElse(start);
            Instant fromTime = resumed.map(Progress::commitTime).orElse(null);
            checkSource(sourceSql, from);
            boolean byGtid = !start.gtids().isEmpty();
            List<String> triggers = applier.triggers();
            if (!triggers.isEmpty()) {
                log.atWarn().addKeyValue("job", request.jobName()).addKeyValue("database", request.database())
                        .addKeyValue("triggers", triggers).log("the destination database has triggers; they fire again on"
                                + " replicated changes, whose effects the binary log already carries");
            }
            log.atInfo().addKeyValue("job", request.jobName()).addKeyValue("database", request.database())
                    .addKeyValue("position", from.text()).addKeyValue("serverId", serverId).addKeyValue("byGtid", byGtid)
                    .log("change replication starting");
            var ctx = new ReplicationContext(request.jobName(), request.database(), source, flavor, byGtid, copiedAt(),
                    stopAt::get, cancelled, clock, ReplicationScope.of(request.database(), request.jobDatabases(), request.objects()),
                    DdlReader.of(flavor, version.version()));
            ApplyLoop.StreamOpener opener = at -> BinlogStream.open(source, serverId, at, byGtid,
                    request.jobName() + "-" + request.database());
            try (LagMeter lag = new LagMeter(connector, source, flavor, clock)) {
                new ApplyLoop(ctx, opener, applier, lag, listener)
                        .run(from, fromTime, resumed.flatMap(Progress::pendingDdl));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the source's replication settings");
        }
    }

    /** Row-based logging must be on, and the start file must still exist when streaming by file and offset. */
    private void checkSource(Connection c, BinlogPosition from) throws SQLException {
        String where = "%s:%d".formatted(request.source().host(), request.source().port());
        if (!"1".equals(SourceLog.setting(c, "log_bin")) && !"ON".equalsIgnoreCase(SourceLog.setting(c, "log_bin"))) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "Source %s has no binary log (log_bin is off); enable it and restart the job"
                    .formatted(where));
        }
        String format = SourceLog.setting(c, "binlog_format").toUpperCase(Locale.ROOT);
        if (!"ROW".equals(format)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Source %s logs changes with binlog_format=%s; set"
                    + " binlog_format=ROW (and binlog_row_image=FULL) and restart the job").formatted(where, format));
        }
        if (start.gtids().isEmpty() && SourceLog.files(c).stream().noneMatch(f -> f.name().equals(from.file()))) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "binlog %s is no longer on the source %s; restart the job"
                    .formatted(from.file(), where));
        }
    }

    private Map<TableRef, BinlogPosition> copiedAt() {
        Map<TableRef, BinlogPosition> positions = new HashMap<>();
        request.copiedAt().forEach((t, p) -> positions.put(new TableRef(request.database(), t.table()), Coordinates.binlog(p, "copy")));
        return positions;
    }

    private static void joinUninterruptibly(Thread worker) {
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stopAt(Position position) {
        stopAt.set(Coordinates.binlog(position, "stop position"));
    }

    @Override
    public Position sourceHead() {
        try (Connection c = connector.open(request.source(), null, MySqlConnector.Role.SOURCE)) {
            return SourceLog.head(c, ServerVersion.of(c).flavor()).orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Source %s:%d has no binary log; enable log_bin".formatted(request.source().host(), request.source().port())));
        } catch (SQLException e) {
            throw SqlErrors.map(e, request.source(), "read the binary log position");
        }
    }

    @Override
    public Position applied() {
        try (Connection c = connector.open(request.destination(), null, MySqlConnector.Role.DESTINATION)) {
            return ProgressTable.read(c, request.jobName(), request.database())
                    .map(p -> Coordinates.later(start, p.position())).orElse(start);
        } catch (SQLException e) {
            throw SqlErrors.map(e, request.destination(), "read the applied replication position");
        }
    }

    @Override
    public void close() {
        // run() owns every connection and closes them before it returns; nothing is held between runs.
    }
}
