package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.LagProbe;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports replication lag about once a second: the age of the oldest received-but-unapplied source
 * transaction (zero when idle and caught up), and the bytes of binary log between the applied position and
 * the source's end ({@code SHOW MASTER STATUS}, with {@code SHOW BINARY LOGS} across files). Keeps one source
 * session, reopened after a failure (a report is skipped then, never the replication). Not thread-safe.
 */
final class LagMeter implements LagProbe<BinlogPosition>, AutoCloseable {
    static final long INTERVAL_MILLIS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(LagMeter.class);

    private final MySqlConnector connector;
    private final DatabaseConnection source;
    private final Flavor flavor;
    private final Clock clock;
    private Connection c;
    private long lastReport = Long.MIN_VALUE;

    LagMeter(MySqlConnector connector, DatabaseConnection source, Flavor flavor, Clock clock) {
        this.connector = connector;
        this.source = source;
        this.flavor = flavor;
        this.clock = clock;
    }

    @Override
    public void maybeReport(long nowMillis, ReplicationListener listener, Instant oldestPending, boolean busy, Instant lastApplied,
            BinlogPosition applied) {
        if (lastReport != Long.MIN_VALUE && nowMillis - lastReport < INTERVAL_MILLIS) {
            return;
        }
        lastReport = nowMillis;
        Optional<Long> bytes = bytesBehind(applied);
        if (bytes.isPresent()) {
            listener.lag(LagProbe.lag(clock.instant(), oldestPending, busy, lastApplied), bytes.get());
        }
    }

    private Optional<Long> bytesBehind(BinlogPosition applied) {
        try {
            if (c == null) {
                c = connector.open(source, null, MySqlConnector.Role.SOURCE);
            }
            Optional<BinlogPosition> head = SourceLog.head(c, flavor);
            if (head.isEmpty()) {
                return Optional.of(0L);
            }
            if (head.get().file().equals(applied.file())) {
                return Optional.of(Math.max(0, head.get().offset() - applied.offset()));
            }
            return Optional.of(SourceLog.bytesBetween(SourceLog.files(c), applied, head.get()));
        } catch (SQLException | FerryException e) {
            log.atWarn().addKeyValue("server", source.host() + ":" + source.port())
                    .addKeyValue("reason", e instanceof SQLException s ? SqlErrors.serverMessage(s) : e.getMessage())
                    .log("cannot read the source's binlog position for the lag; retrying next second");
            close();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.atDebug().addKeyValue("error", e.getMessage()).log("closing the lag session failed");
            }
            c = null;
        }
    }
}
