package dev.ferry.control.runner;

import dev.ferry.control.validate.ChunkLedger;
import dev.ferry.control.validate.ReplicationClock;
import dev.ferry.core.model.Position;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replications running on this server, as validation sees them: each database's source head and applied position
 * ({@link ReplicationClock}), and the ledger of ranges validated clean that their changes make dirty. In memory only.
 * Thread-safe.
 */
public final class ReplicationBoard {
    private final ChunkLedger ledger = new ChunkLedger();
    private final Map<String, Map<String, ChangeReplication.DatabaseStream>> jobs = new ConcurrentHashMap<>();

    public ChunkLedger ledger() {
        return ledger;
    }

    void register(String job, ChangeReplication.DatabaseStream stream) {
        jobs.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(stream.request.database(), stream);
    }

    /** The job's streams ended (stopped, failed, promoted); its ledger stays for a promotion of the same run. */
    void ended(String job) {
        jobs.remove(job);
    }

    /** The job's replication clock while it replicates on this server. */
    public Optional<ReplicationClock> clock(String job) {
        Map<String, ChangeReplication.DatabaseStream> streams = jobs.get(job);
        if (streams == null || streams.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ReplicationClock() {
            @Override
            public Position head(String database) {
                return stream(database).replication.sourceHead();
            }

            @Override
            public boolean awaitApplied(String database, Position position, Duration timeout) throws InterruptedException {
                ChangeReplication.DatabaseStream s = streams.get(database);
                return s != null && s.awaitApplied(position, timeout);
            }

            private ChangeReplication.DatabaseStream stream(String database) {
                ChangeReplication.DatabaseStream s = streams.get(database);
                if (s == null) {
                    throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION,
                            "Database %s does not replicate on this server".formatted(database));
                }
                return s;
            }
        });
    }

    /** Where two positions of one source's log stand: negative when {@code a} comes first. */
    static int compare(Position a, Position b) {
        return switch (a) {
            case Position.PgLsn x when b instanceof Position.PgLsn y -> Long.compareUnsigned(x.value(), y.value());
            case Position.BinlogPosition x when b instanceof Position.BinlogPosition y -> {
                int files = compareFiles(x.file(), y.file());
                yield files != 0 ? files : Long.compare(x.offset(), y.offset());
            }
            default -> throw new IllegalArgumentException("positions of different logs: " + a.text() + ", " + b.text());
        };
    }

    /** Binlog files by their sequence number ({@code mysql-bin.000012}), else by name. */
    private static int compareFiles(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        if (da >= 0 && db >= 0 && a.substring(0, da).equals(b.substring(0, db))) {
            try {
                return Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
            } catch (NumberFormatException e) {
                // not numbered: by name
            }
        }
        return a.compareTo(b);
    }
}
