package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's logical replication stream: a walsender connection to the source database streaming the
 * slot with pgoutput, protocol version 1, without streaming of in-progress transactions (the source
 * decodes a large transaction to its own disk and sends it at commit, so Ferry holds no transaction in
 * memory). The driver's automatic flush is off: the slot is confirmed only through {@link #confirm},
 * with positions the destination has committed. Not thread-safe.
 */
final class SlotStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotStream.class);

    private final Connection connection;
    private final PGReplicationStream stream;
    private final DatabaseConnection source;
    private final String slot;
    private final String publication;

    private SlotStream(Connection connection, PGReplicationStream stream, DatabaseConnection source, String slot,
            String publication) {
        this.connection = connection;
        this.stream = stream;
        this.source = source;
        this.slot = slot;
        this.publication = publication;
    }

    /** Starts streaming {@code slot} of {@code source} (its database set) from {@code startLsn}. */
    static SlotStream open(DatabaseConnection source, String slot, String publication, long startLsn) {
        Connection c = PgConnector.openReplication(source);
        try {
            PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.valueOf(startLsn))
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", Dialect.POSTGRESQL.quote(publication))
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .withAutomaticFlush(false)
                    .start();
            return new SlotStream(c, stream, source, slot, publication);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof SQLException sql) {
                throw translate(sql, source, slot, publication, "starting to stream changes");
            }
            throw (RuntimeException) e;
        }
    }

    /** The next message when one has arrived, else null; never blocks for long. */
    ByteBuffer readPending() {
        try {
            return stream.readPending();
        } catch (SQLException e) {
            throw translate(e, source, slot, publication, "streaming changes");
        }
    }

    /**
     * The last position the server sent: the start of the last message, or the WAL end of the last
     * keepalive when that is later.
     */
    long lastReceived() {
        return stream.getLastReceiveLSN().asLong();
    }

    /** Tells the server everything up to {@code lsn} is durably applied; with {@code now}, at once. */
    void confirm(long lsn, boolean now) {
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
        if (now) {
            try {
                stream.forceUpdateStatus();
            } catch (SQLException e) {
                throw translate(e, source, slot, publication, "confirming applied changes");
            }
        }
    }

    /** Failures of the replication connection, with the slot-specific ones spelled out. */
    static FerryException translate(SQLException e, DatabaseConnection source, String slot, String publication,
            String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        String where = source.host() + ":" + source.port();
        if (state.equals("42704") && message.contains("publication")) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, "Publication %s no longer exists in database %s on source %s; restart the job"
                    .formatted(publication, source.database(), where), e);
        }
        if (state.equals("42704")) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Replication slot %s no longer exists on source %s; restart the job".formatted(slot, where), e);
        }
        if (state.equals("55006")) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s on source %s is in use by another "
                    + "process; stop that consumer (or let an earlier run of the job end) and resume the job").formatted(slot, where), e);
        }
        if (state.equals("55000") && message.contains("can no longer get changes")) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s on source %s was invalidated: the "
                    + "source removed WAL it still needed (see max_slot_wal_keep_size); restart the job").formatted(slot, where), e);
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.isEmpty()) {
            return new FerryException(ErrorCode.UNAVAILABLE, ("Lost the replication connection to PostgreSQL at %s while %s "
                    + "(slot %s); check that the server is up and resume the job").formatted(where, doing, slot), e);
        }
        return PgErrors.translate(e, source, doing);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("slot", slot).setCause(e)
                    .log("could not close the replication connection; the server ends it when the socket closes");
        }
    }
}
