package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Closing;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangePipeline;
import dev.ferry.core.cdc.UninterruptedRun;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.CollationDefaults;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.cdc.ProgressTable.Progress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change replication of one MySQL/MariaDB database (see {@link Replication}) through the engine-neutral {@link
 * ChangePipeline}: the source's binary log read as a replica with its own server id, from the GTID state when the start
 * position has one (else by file and offset), by a {@link BinlogChangeSource}; applied to the same database on the
 * destination by the apply partitions' {@link ChangeApplier} sessions, each with its progress row in {@code
 * ferry.replication_progress}. A lost binlog connection ends {@link #run} with UNAVAILABLE: the job's retrier runs it
 * again from the applied positions. {@link #run} opens and closes its own connections; {@link #stopAt}, {@link
 * #sourceHead} and {@link #applied} may be called from other threads.
 */
public final class MySqlReplication implements Replication {
    private static final Logger log = LoggerFactory.getLogger(MySqlReplication.class);

    private final ReplicationRequest request;
    private final MySqlConnector connector;
    private final Clock clock;
    private final BinlogPosition start;
    private final AtomicReference<BinlogPosition> stopAt = new AtomicReference<>();
    private final UninterruptedRun runs;

    private MySqlReplication(ReplicationRequest request, MySqlConnector connector, Clock clock) {
        this.request = request;
        this.connector = connector;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.start = Coordinates.binlog(request.start(), "start");
        this.runs = new UninterruptedRun("replication of job " + request.jobName());
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
     * Runs on its own virtual thread, which is never interrupted: interrupting the caller asks the pipeline to stop
     * (the batch being applied commits, nothing else begins) and close its sessions; then this throws
     * InterruptedException.
     */
    @Override
    public void run(ReplicationListener listener) throws InterruptedException {
        Objects.requireNonNull(listener, "listener");
        runs.run(cancelled -> replicate(listener, cancelled));
    }

    private void replicate(ReplicationListener listener, BooleanSupplier cancelled) throws InterruptedException {
        DatabaseConnection source = request.source();
        String job = request.jobName();
        String database = request.database();
        var sinks = BinlogChangeSinks.open(connector, request.destination(), job, database,
                new DivergenceGate(request.reliability().effectiveOnDivergence(), listener), start, request.fence());
        ServerVersion version;
        long serverId;
        BinlogPosition from = earliest(sinks.rows());
        try (Connection sourceSql = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            version = ServerVersion.of(sourceSql);
            serverId = ServerIds.of(job, database, Sql.queryLong(sourceSql, "SELECT @@GLOBAL.server_id"));
            checkSource(sourceSql, from);
            sinks.collationDefaults(CollationDefaults.of(sourceSql));
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the source's replication settings");
        }
        Flavor flavor = version.flavor();
        boolean byGtid = !start.gtids().isEmpty();
        List<String> triggers = sinks.triggers();
        if (!triggers.isEmpty()) {
            log.atWarn().addKeyValue("job", job).addKeyValue("database", database)
                    .addKeyValue("triggers", triggers).log("the destination database has triggers; they fire again on"
                            + " replicated changes, whose effects the binary log already carries");
        }
        int partitions = request.effectiveApplyPartitions(Runtime.getRuntime().availableProcessors());
        log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("position", from.text())
                .addKeyValue("serverId", serverId).addKeyValue("byGtid", byGtid).addKeyValue("partitions", partitions)
                .log("change replication starting");
        var ctx = new ReplicationContext(job, database, source, flavor, byGtid, copiedAt(), clock,
                ReplicationScope.of(database, request.jobDatabases(), request.objects()), DdlReader.of(flavor, version.version()));
        BinlogChangeSource.StreamOpener opener = at -> BinlogStream.open(source, serverId, at, byGtid, job + "-" + database);
        var settings = ChangePipeline.Settings.of(job, partitions, start, stopAt::get, cancelled, clock);
        Connection catalogSession = connector.open(request.destination(), null, MySqlConnector.Role.DESTINATION);
        try (LagMeter lag = new LagMeter(connector, source, flavor, clock)) {
            var changes = new BinlogChangeSource(ctx, opener, catalogSession, request.destination(), listener);
            new ChangePipeline<>(settings, new BinlogOrder(flavor, byGtid), changes, sinks, BinlogChange::merge, lag, listener).run();
        } finally {
            Closing.quietly(catalogSession, "a destination session");
        }
    }

    /** The earliest position any partition recorded (not before the start), or the start when none did. */
    private BinlogPosition earliest(Map<Integer, Progress> rows) {
        BinlogPosition earliest = null;
        for (Progress p : rows.values()) {
            BinlogPosition at = Coordinates.later(start, p.position());
            if (earliest == null || Coordinates.compare(at, earliest) < 0) {
                earliest = at;
            }
        }
        return earliest == null ? start : earliest;
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

    /** The earliest position of the apply partitions: everything before it is applied by all of them. */
    @Override
    public Position applied() {
        try (Connection c = connector.open(request.destination(), null, MySqlConnector.Role.DESTINATION)) {
            return earliest(ProgressTable.read(c, request.jobName(), request.database()));
        } catch (SQLException e) {
            throw SqlErrors.map(e, request.destination(), "read the applied replication position");
        }
    }

    @Override
    public void close() {
        // run() owns every connection and closes them before it returns; nothing is held between runs.
    }
}
