package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Plan;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Begin;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Commit;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Delete;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Ignored;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Insert;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Origin;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Truncate;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Type;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slot stream and applies it, in source commit order, many source transactions per
 * destination transaction. Exactly once: a source transaction whose commit starts before the applied
 * position is skipped (a restart resends what was not confirmed), changes to a table copied at a later
 * position are skipped up to it, the applied position is committed with the changes, and the slot is
 * confirmed only up to it.
 *
 * <p>That skip is the whole of a table's tolerance window. A table's copy is read from a snapshot exported
 * with a slot's consistent point P (the job's slot for the first copy, a temporary slot for a later one):
 * exactly the transactions whose commit record starts before P are in it, and exactly the others are
 * streamed. So every change that reaches the applier comes after its table's copy and must fit the
 * destination exactly; one that does not is a divergence ({@link DivergedRows}), never a leftover of the
 * copy. When the stream is idle and every received transaction is applied, the
 * server's WAL end from its keepalives is recorded and confirmed too, so an idle source does not make
 * the slot hold WAL. Not thread-safe: one run per instance.
 */
final class ApplyLoop {
    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);
    static final long MAX_BATCH_ROWS = 5_000;
    static final long MAX_BATCH_MILLIS = 100;
    private static final long IDLE_POLL_MILLIS = 2;
    private static final long IDLE_RECORD_MILLIS = 1_000;

    /** What the loop needs to know besides its collaborators. */
    record Settings(String job, Map<TableRef, Long> copiedAt, LongSupplier stopAt, BooleanSupplier cancelled, Clock clock,
            java.time.Duration stallTimeout) {
        Settings {
            copiedAt = Map.copyOf(copiedAt);
        }
    }

    private final Settings settings;
    private final SlotStream stream;
    private final ChangeApplier applier;
    private final LagMeter lag;
    private final ReplicationListener listener;
    private final PendingBatch batch = new PendingBatch(MAX_BATCH_ROWS, MAX_BATCH_MILLIS);
    private final Map<Integer, Relation> relations = new HashMap<>();
    private final Map<Integer, Long> copiedBefore = new HashMap<>();
    private final Set<TableRef> reportedUnsupported = new HashSet<>();
    private final SchemaDrift drift;
    private final Set<Integer> shapeChecked = new HashSet<>();
    private long applied;
    private Instant appliedCommitTime;
    private boolean inTransaction;
    private boolean skipping;
    private long commitLsn;
    private boolean busy;
    private long lastIdleRecord;
    private long skippedTransactions;
    private long unsupported;
    private long lastProgress;
    private long lastSeen;
    private long lastPing;

    ApplyLoop(Settings settings, SlotStream stream, ChangeApplier applier, LagMeter lag, ReplicationListener listener) {
        this(settings, stream, applier, lag, listener, SchemaDrift.NONE);
    }

    /** {@code drift} checks each relation's shape against the destination before its first applied change. */
    ApplyLoop(Settings settings, SlotStream stream, ChangeApplier applier, LagMeter lag, ReplicationListener listener,
            SchemaDrift drift) {
        this.drift = drift;
        this.settings = settings;
        this.stream = stream;
        this.applier = applier;
        this.lag = lag;
        this.listener = listener;
    }

    /**
     * Runs from {@code startLsn} (already applied) until the stop position is applied; on interruption
     * or failure rolls back the open destination transaction and throws.
     */
    void run(long startLsn, Instant startCommitTime) throws InterruptedException {
        applied = startLsn;
        appliedCommitTime = startCommitTime;
        stream.confirm(applied, true);
        lastProgress = settings.clock().millis();
        try {
            loop();
        } catch (InterruptedException | RuntimeException e) {
            applier.rollback();
            batch.reset();
            throw e;
        } finally {
            log.atInfo().addKeyValue("job", settings.job()).addKeyValue("position", new PgLsn(applied).lsn())
                    .addKeyValue("skippedTransactions", skippedTransactions).addKeyValue("unsupported", unsupported)
                    .addKeyValue("rowsDiverged", applier.rowsDiverged()).log("change replication stopped");
        }
    }

    private void loop() throws InterruptedException {
        Clock clock = settings.clock();
        while (true) {
            if (settings.cancelled().getAsBoolean() || Thread.interrupted()) {
                throw new InterruptedException("replication of job " + settings.job() + " was stopped");
            }
            ByteBuffer buf = stream.readPending();
            long now = clock.millis();
            busy = buf != null;
            if (buf != null) {
                handle(PgOutputDecoder.decode(buf), now);
            } else {
                idle(now);
            }
            if (!inTransaction && batch.isEmpty() && applied >= settings.stopAt().getAsLong()) {
                stream.confirm(applied, true);
                return;
            }
            lag.maybeReport(now, listener, batch.oldestCommitTime(), busy, appliedCommitTime, applied);
            watchForStall(now, buf != null);
            if (buf == null) {
                TimeUnit.MILLISECONDS.sleep(IDLE_POLL_MILLIS);
            }
        }
    }

    /**
     * Detects a stalled stream, as PostgreSQL's own wal_receiver_timeout does: the source has WAL this stream
     * has not delivered, and nothing (no change, no keepalive position) arrived for a while. After a quarter of
     * the stall timeout a status update asking for a reply is sent, so a server that is only busy (decoding a
     * large transaction) answers with a keepalive; when nothing arrives for the whole stall timeout the stream
     * is declared lost and the job's retrier reconnects. An idle, caught-up stream is never a stall.
     */
    private void watchForStall(long now, boolean received) {
        long seen = stream.lastReceived();
        if (received || seen != lastSeen || lag.lastHead() <= Math.max(seen, applied)) {
            lastSeen = seen;
            lastProgress = now;
            return;
        }
        long silent = now - lastProgress;
        long timeout = settings.stallTimeout().toMillis();
        if (silent >= timeout) {
            throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.UNAVAILABLE, ("The replication stream of job %s "
                    + "delivered nothing for %d s although the source has WAL to send; the connection is stalled, "
                    + "reconnecting").formatted(settings.job(), silent / 1000));
        }
        if (silent >= timeout / 4 && now - lastPing >= timeout / 4) {
            lastPing = now;
            stream.confirm(applied, true);
        }
    }

    private void handle(PgOutputMessage message, long now) {
        switch (message) {
            case Begin b -> {
                inTransaction = true;
                commitLsn = b.commitLsn();
                skipping = b.commitLsn() < applied;
                if (!skipping) {
                    batch.begin(b.commitTime(), now);
                }
            }
            case Commit c -> {
                inTransaction = false;
                if (skipping) {
                    skippedTransactions++;
                    return;
                }
                batch.committed(c.endLsn(), c.commitTime());
                if (batch.shouldCommit(now) || c.endLsn() >= settings.stopAt().getAsLong()) {
                    commitBatch();
                }
            }
            case Relation r -> {
                if (!r.equals(relations.get(r.oid()))) {
                    applier.forget(r.oid());
                }
                relations.put(r.oid(), r);
                shapeChecked.remove(r.oid());
                copiedBefore.put(r.oid(), settings.copiedAt().getOrDefault(r.table(), 0L));
            }
            case Insert i -> {
                Relation rel = applicable(i.relationOid());
                if (rel != null) {
                    apply(rel, ChangePlanner.plan(rel, i));
                }
            }
            case Update u -> {
                Relation rel = applicable(u.relationOid());
                if (rel != null) {
                    apply(rel, ChangePlanner.plan(rel, u));
                }
            }
            case Delete d -> {
                Relation rel = applicable(d.relationOid());
                if (rel != null) {
                    apply(rel, ChangePlanner.plan(rel, d));
                }
            }
            case Truncate t -> truncate(t);
            case Type t -> log.atDebug().addKeyValue("job", settings.job()).addKeyValue("type", t.schema() + "." + t.name())
                    .log("type announced");
            case Origin o -> log.atDebug().addKeyValue("job", settings.job()).addKeyValue("origin", o.name())
                    .log("transaction from another origin");
            case Ignored ignored -> { }
        }
    }

    /** The change's relation, or null when the change is to be skipped. */
    private Relation applicable(int oid) {
        if (skipping) {
            return null;
        }
        Relation rel = relations.get(oid);
        if (rel == null) {
            throw new IllegalStateException("pgoutput sent a change for relation " + oid + " before describing it");
        }
        if (commitLsn < copiedBefore.get(oid)) {
            return null;
        }
        if (shapeChecked.add(oid)) {
            drift.check(rel);
        }
        return rel;
    }

    private void apply(Relation rel, Plan plan) {
        switch (plan) {
            case ChangePlanner.Statement st -> {
                applier.apply(rel, st, commitLsn);
                batch.countRow(rel.table());
            }
            case ChangePlanner.Unsupported u -> {
                unsupported++;
                listener.unsupported(rel.table(), u.what());
                if (reportedUnsupported.add(rel.table())) {
                    log.atWarn().addKeyValue("job", settings.job()).addKeyValue("table", rel.table())
                            .addKeyValue("change", u.what()).log("change cannot be replicated; counted, not applied");
                }
            }
            case ChangePlanner.Nothing n -> { }
        }
    }

    private void truncate(Truncate t) {
        if (skipping) {
            return;
        }
        List<Relation> rels = new ArrayList<>();
        for (int oid : t.relationOids()) {
            Relation rel = applicable(oid);
            if (rel != null) {
                rels.add(rel);
            }
        }
        if (!rels.isEmpty()) {
            applier.truncate(rels, t.cascade(), t.restartIdentity());
        }
    }

    private void commitBatch() {
        applier.commit(batch.lastEndLsn(), batch.lastCommitTime());
        applied = batch.lastEndLsn();
        appliedCommitTime = batch.lastCommitTime();
        Map<TableRef, Long> rows = batch.rowsByTable();
        batch.reset();
        stream.confirm(applied, false);
        listener.applied(new PgLsn(applied), appliedCommitTime, rows);
    }

    /** Nothing arrived: commit what is whole, then record the server's WAL end if everything is applied. */
    private void idle(long now) {
        if (inTransaction) {
            return;
        }
        if (!batch.isEmpty()) {
            commitBatch();
            return;
        }
        long serverEnd = stream.lastReceived();
        if (serverEnd > applied && (now - lastIdleRecord >= IDLE_RECORD_MILLIS || serverEnd >= settings.stopAt().getAsLong())) {
            lastIdleRecord = now;
            applier.commit(serverEnd, appliedCommitTime);
            applied = serverEnd;
            stream.confirm(applied, true);
            listener.applied(new PgLsn(applied), appliedCommitTime != null ? appliedCommitTime : settings.clock().instant(),
                    Map.of());
        }
    }
}
