package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangeSink;
import dev.ferry.core.cdc.ChangeSinks;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.cdc.NetChanges.TableChanges;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.postgres.cdc.PgChangeSource.TruncateWork;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side of a PostgreSQL job's pipeline: the partitions' rows in {@code ferry.replication_progress},
 * and one {@link ChangeApplier} session per partition, which applies net changes set-based ({@link NetApply}) and
 * changes in source order row by row (where divergence is found). Barrier work (TRUNCATE, schema evolutions, copies,
 * drops, captured DDL and, with DDL capture, shape checks) runs on the first partition's session, which reports each
 * change to the destination's schema as a job event. {@code destination} has its database set.
 */
final class PgChangeSinks implements ChangeSinks<PgLsn, PgChange> {
    private static final Logger log = LoggerFactory.getLogger(PgChangeSinks.class);
    private final DatabaseConnection source;
    private final DatabaseConnection destination;
    private final String job;
    private final DivergenceGate gate;
    private final ReplicationListener listener;

    /** The job's lease: checked before the job's progress rows are claimed; {@link Fence#NONE} without leases. */
    private final Fence fence;

    /**
     * The job's lease epoch, recorded with each applied position and claimed on the job's rows before they are read;
     * 0 without fencing.
     */
    private final long epoch;

    /** {@code source} (its database set) is read by tables copied while changes stream. */
    PgChangeSinks(DatabaseConnection source, DatabaseConnection destination, String job, Fence fence, DivergenceGate gate,
            ReplicationListener listener) {
        this.fence = fence;
        this.epoch = fence.epoch();
        this.source = source;
        this.destination = destination;
        this.job = job;
        this.gate = gate;
        this.listener = listener;
    }

    @Override
    public Map<Integer, Mark<PgLsn>> recorded() {
        return PgErrors.call(destination, "reading the applied replication positions", () -> {
            try (Connection c = PgConnector.open(destination)) {
                if (epoch > 0) {
                    claim(c);
                }
                return ProgressTable.read(c, job);
            }
        });
    }

    /**
     * Claims the job's progress rows for this owner before they are read ({@link ProgressTable#claim}): from then on
     * every commit of an older owner is refused, on any partition. The lease is checked first, so a node that lost
     * the job claims nothing; a newer owner's epoch in the rows refuses the claim as a lost lease. A previous owner
     * frozen inside a commit holds the rows' locks: the claim waits for that commit (or its rollback) so that what it
     * applied is resumed from, never applied twice, logging every {@link #CLAIM_WAIT} and checking the lease again.
     */
    private void claim(Connection c) throws SQLException {
        try (var st = c.createStatement()) {
            // The destination is read-only for every session but Ferry's while it replicates.
            st.execute("SET default_transaction_read_only = off");
            st.execute("SET lock_timeout = '" + CLAIM_WAIT.toMillis() + "ms'");
        }
        for (long waited = 0; ; waited += CLAIM_WAIT.toMillis()) {
            fence.check();
            try {
                int claimed = ProgressTable.claim(c, job, epoch);
                if (claimed > 0) {
                    log.atInfo().addKeyValue("job", job).addKeyValue("epoch", epoch).addKeyValue("rows", claimed)
                            .log("claimed the job's progress rows on the destination for this owner");
                }
                for (int pid : OwnerMark.endStale(c, job, epoch)) {
                    log.atWarn().addKeyValue("job", job).addKeyValue("epoch", epoch).addKeyValue("pid", pid)
                            .log("ended an apply session of the job's previous owner that was inside a transaction; it "
                                    + "could no longer commit, and its row locks would hold this owner's changes back");
                }
                return;
            } catch (SQLException e) {
                if (ProgressTable.FENCED.equals(e.getSQLState())) {
                    throw ProgressTable.refused(job, epoch, destination, e);
                }
                if (!"55P03".equals(e.getSQLState())) {
                    throw e;
                }
                log.atWarn().addKeyValue("job", job).addKeyValue("epoch", epoch)
                        .addKeyValue("waitedMillis", waited + CLAIM_WAIT.toMillis())
                        .log("the job's progress rows are locked by a session of its previous owner (a commit in "
                                + "flight); waiting for it before resuming, so nothing is applied twice");
                endFrozenHolders(c);
            }
        }
    }

    /**
     * Ends the destination sessions of a previous owner that hold the job's progress rows inside a transaction that
     * has not moved for {@link #FROZEN_HOLDER}: the owner froze (or its host was cut off) in the middle of an apply
     * transaction, which would otherwise keep the rows, and this owner, waiting until its session ends. Only the
     * session whose transaction holds those very rows is ended (the rows' {@code xmax} names it), so no other job's
     * session is touched; its transaction rolls back, and this owner resumes from what it had committed.
     */
    private void endFrozenHolders(Connection c) throws SQLException {
        fence.check();
        // Found and ended in one statement, after the lease check above, as the slot's WAL sender is (SourceLog).
        String endHolders = """
                SELECT a.pid, pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
                  JOIN pg_catalog.pg_locks l ON l.pid = a.pid AND l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock'
                   AND l.granted
                 WHERE l.transactionid::text IN (SELECT p.xmax::text FROM ferry.replication_progress p
                                                  WHERE p.job = ? AND p.xmax::text <> '0')
                   AND a.state = 'idle in transaction'
                   AND a.state_change < pg_catalog.now() - pg_catalog.make_interval(secs => ?)
                   AND a.pid <> pg_catalog.pg_backend_pid()""";
        try (var st = c.prepareStatement(endHolders)) {
            st.setString(1, job);
            st.setDouble(2, FROZEN_HOLDER.toSeconds());
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    log.atWarn().addKeyValue("job", job).addKeyValue("epoch", epoch).addKeyValue("pid", rs.getInt(1))
                            .log("ended the destination session of the job's previous owner, idle inside an apply "
                                    + "transaction that holds the job's progress rows; its uncommitted changes roll back");
                }
            }
        }
    }

    /** How long a previous owner's transaction holding the progress rows may stand still before its session is ended. */
    private static final java.time.Duration FROZEN_HOLDER = java.time.Duration.ofSeconds(15);

    /** How long one attempt to claim the progress rows waits for a previous owner's session that holds them. */
    private static final java.time.Duration CLAIM_WAIT = java.time.Duration.ofSeconds(5);

    @Override
    public ChangeSink<PgLsn, PgChange> open(int partition) {
        return new Session(ChangeApplier.open(destination, job, epoch, gate));
    }

    @Override
    public void retire(int from) {
        PgErrors.call(destination, "removing the positions of retired apply partitions", () -> {
            try (Connection c = PgConnector.open(destination); var st = c.createStatement()) {
                st.execute("SET default_transaction_read_only = off");
                ProgressTable.retire(c, job, from);
                return null;
            }
        });
    }

    /** One partition's session. */
    private final class Session implements ChangeSink<PgLsn, PgChange> {
        private final ChangeApplier applier;
        private final NetApply net;
        private final Map<Integer, Relation> seen = new HashMap<>();
        /** Compares relations with the destination when DDL is captured; opened on first use. */
        private ShapeTracker shapes;

        Session(ChangeApplier applier) {
            this.applier = applier;
            this.net = new NetApply(applier, job);
        }

        @Override
        public boolean applyNet(List<TableChanges<PgChange>> tables) {
            for (TableChanges<PgChange> t : tables) {
                t.deletes().forEach(this::know);
                t.inserts().forEach(this::know);
                t.updates().forEach(this::know);
                t.inOrder().forEach(this::know);
            }
            return net.apply(tables);
        }

        @Override
        public void applyInOrder(List<PgChange> changes) {
            for (PgChange change : changes) {
                know(change);
                applier.apply(change.rel(), change.statement(), change.lsn());
            }
        }

        /** A relation whose shape changed since this session last used it: its cached statements go. */
        private void know(PgChange change) {
            Relation before = seen.put(change.rel().oid(), change.rel());
            if (before != null && !before.equals(change.rel())) {
                applier.forget(change.rel().oid());
            }
        }

        @Override
        public void barrier(Object work, Mark<PgLsn> mark, Collection<Integer> partitions) {
            String done = switch (work) {
                case TruncateWork t -> {
                    applier.truncate(t.rels(), t.cascade(), t.restartIdentity());
                    yield null;
                }
                case Evolution e -> {
                    List<String> sql = applier.run("schema evolution", e.table(), e::apply);
                    yield sql.isEmpty() ? null : "Evolved table %s on the destination after a schema change on the source: %s"
                            .formatted(e.table(), String.join("; ", sql));
                }
                case TableCopy t -> {
                    long rows = applier.run("copy of a table", t.table(), c -> t.apply(c, source, job));
                    yield (t.replace() ? "Copied table %s again (%d rows, source position %s): the source rewrote it without "
                            + "replicated changes" : "Created table %s on the destination and copied its %d rows (source "
                            + "position %s): it was created on the source after the job started")
                            .formatted(t.table(), rows, t.snapshot().start().lsn());
                }
                case CatalogWatch.Baseline b -> {
                    applier.run("recording table storage", b.storage().keySet().iterator().next(), c -> {
                        TableStates.baseline(c, job, b.storage());
                        return null;
                    });
                    yield null;
                }
                case CapturedDdl ddl -> {
                    applier.run("captured DDL", new TableRef(DdlCapture.SCHEMA, "ddl"), c -> {
                        ddl.apply(c, job);
                        return null;
                    });
                    yield "Replayed DDL captured on the source (%s on %s): %s".formatted(ddl.tag(), ddl.identity(), ddl.shown());
                }
                case PgChangeSource.ShapeCheck check -> {
                    ShapeTracker tracker = shapes();
                    tracker.forget(check.rel().table());
                    yield switch (tracker.check(check.rel())) {
                        case ShapeTracker.Fits f -> null;
                        case ShapeTracker.Absent a -> throw new FerryException(ErrorCode.SCHEMA_CHANGED,
                                ("Table %s has changes on the source but is missing on the destination, although job %s "
                                + "captures DDL: the statement that created it was not captured (or not replayed). Create the "
                                + "table on the destination as on the source and resume the job").formatted(check.rel().table(), job));
                        case ShapeTracker.Evolve e -> {
                            Evolution evolution = e.evolution();
                            List<String> sql = applier.run("schema evolution", evolution.table(), evolution::apply);
                            tracker.forget(evolution.table());
                            yield sql.isEmpty() ? null : ("Evolved table %s on the destination after a schema change on the "
                                    + "source that the replayed DDL did not make: %s").formatted(evolution.table(), String.join("; ", sql));
                        }
                    };
                }
                case CatalogWatch.DropTable d -> {
                    applier.run("drop of a table", d.table(), c -> {
                        try (var st = c.createStatement()) {
                            st.execute("DROP TABLE IF EXISTS " + Dialect.POSTGRESQL.quote(d.table().schema(), d.table().table())
                                    + " CASCADE");
                        }
                        TableStates.delete(c, job, d.table());
                        return null;
                    });
                    yield "Dropped table %s on the destination: it was dropped on the source".formatted(d.table());
                }
                default -> throw new IllegalStateException("unknown pipeline work " + work.getClass().getName());
            };
            applier.commit(mark, partitions);
            if (done != null) {
                listener.notice(done);
            }
        }

        @Override
        public void commit(Mark<PgLsn> mark, Collection<Integer> partitions) {
            applier.commit(mark, partitions);
        }

        @Override
        public void rollback() {
            applier.rollback();
        }

        private ShapeTracker shapes() {
            if (shapes == null) {
                shapes = new ShapeTracker(source, destination, false);
            }
            return shapes;
        }

        @Override
        public void close() {
            if (shapes != null) {
                shapes.close();
            }
            applier.close();
        }
    }
}
