package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangeEvent;
import dev.ferry.core.cdc.ChangeSource;
import dev.ferry.core.model.DatabaseConnection;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's slot, streamed with pgoutput and decoded into pipeline events. Changes to a table copied at a later
 * position are left out up to it: a table's copy is read from a snapshot exported with a slot's consistent point P,
 * so exactly the transactions whose commit record starts before P are in it, and every change that reaches the
 * pipeline comes after its table's copy and must fit the destination exactly. Changes that cannot be applied
 * faithfully are counted through the listener, never sent. While no transaction is open and nothing arrives, the
 * server's WAL end from its keepalives is reported as reached, so an idle source does not make the slot hold WAL.
 * The slot is confirmed only up to what the pipeline acknowledges. With DDL capture ({@link DdlCapture}) a row of the
 * job's capture table is not applied but becomes a barrier that replays its statement at that place
 * ({@link CapturedDdl}), and each relation is compared with its destination table once everything before it applied
 * ({@link ShapeCheck}); tables in Ferry's {@code ferry} schema are never applied. Runs on the pipeline's reader thread.
 */
final class PgChangeSource implements ChangeSource<PgLsn> {
    private static final Logger log = LoggerFactory.getLogger(PgChangeSource.class);
    private static final long IDLE_POLL_MILLIS = 2;
    private static final long REACHED_MILLIS = 100;

    /** What the source needs to know besides its collaborators; {@code capture} names the DDL capture (null: off). */
    record Settings(String job, DatabaseConnection source, String slot, String publication, Duration stallTimeout, Clock clock,
            DdlCapture.Names capture) {
        Settings(String job, DatabaseConnection source, String slot, String publication, Duration stallTimeout, Clock clock) {
            this(job, source, slot, publication, stallTimeout, clock, null);
        }
    }

    private final Settings settings;
    private final ReplicationListener listener;
    private final ShapeTracker shapes;
    private final CatalogWatch watch;
    private final UniqueKeys uniqueKeys;
    private final LongSupplier sourceHead;
    private final AtomicLong acknowledged = new AtomicLong();
    private final Map<Integer, Relation> relations = new HashMap<>();
    /** The replica identity key's column names of each relation, in column order. */
    private final Map<Integer, List<String>> keyNames = new HashMap<>();
    private final Set<Integer> shapeChecked = new HashSet<>();
    private final Set<Integer> notSelected = new HashSet<>();
    private final Set<TableRef> reportedUnsupported = new HashSet<>();
    /** Per query string and command, how many captured statements of the open transaction came from it. */
    private final Map<String, Integer> statementsSeen = new HashMap<>();
    private boolean inTransaction;
    private long commitLsn;
    private long confirmed;
    private long lastReached;
    private long lastReachedAt;
    private long lastProgress;
    private long lastSeen;
    private long lastPing;
    /** How far the stream was read: the end of the last transaction, or the server's WAL end while idle. */
    private long position;

    /**
     * {@code shapes} compares each relation's shape with the destination before its first change and {@code watch}
     * follows the source's catalog (both are closed with the source); {@code uniqueKeys}
     * tells which tables have unique constraints besides their key; {@code sourceHead} is the source's WAL position as
     * last measured (for the stall watch).
     */
    PgChangeSource(Settings settings, ReplicationListener listener, ShapeTracker shapes, CatalogWatch watch, UniqueKeys uniqueKeys,
            LongSupplier sourceHead) {
        this.settings = settings;
        this.listener = listener;
        this.shapes = shapes;
        this.watch = watch;
        this.uniqueKeys = uniqueKeys;
        this.sourceHead = sourceHead;
    }

    @Override
    public void stream(PgLsn from, Events<PgLsn> out) throws InterruptedException {
        acknowledged.accumulateAndGet(from.value(), Math::max);
        position = from.value();
        try (SlotStream stream = SlotStream.open(settings.source(), settings.slot(), settings.publication(), from.value())) {
            confirmed = acknowledged.get();
            stream.confirm(confirmed, true);
            lastProgress = settings.clock().millis();
            while (!out.done()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("replication of job " + settings.job() + " was stopped");
                }
                long acked = acknowledged.get();
                if (acked > confirmed) {
                    confirmed = acked;
                    stream.confirm(confirmed, false);
                }
                ByteBuffer buf = stream.readPending();
                long now = settings.clock().millis();
                if (buf != null) {
                    handle(PgOutputDecoder.decode(buf), out);
                } else {
                    out.flush();
                }
                if (buf == null && !inTransaction) {
                    long serverEnd = stream.lastReceived();
                    if (serverEnd > lastReached && now - lastReachedAt >= REACHED_MILLIS) {
                        lastReached = serverEnd;
                        lastReachedAt = now;
                        position = Math.max(position, serverEnd);
                        for (Object work : watch.dueCopies(serverEnd)) {
                            handOver(work, out);
                        }
                        out.put(new ChangeEvent.Reached<>(new PgLsn(serverEnd)));
                    }
                }
                if (!inTransaction) {
                    for (Object work : watch.poll(now, position)) {
                        handOver(work, out);
                    }
                }
                watchForStall(stream, now, buf != null);
                if (buf == null) {
                    TimeUnit.MILLISECONDS.sleep(IDLE_POLL_MILLIS);
                }
            }
            stream.confirm(acknowledged.get(), true);
        } finally {
            close();
        }
    }

    @Override
    public void acknowledge(PgLsn applied) {
        acknowledged.accumulateAndGet(applied.value(), Math::max);
    }

    @Override
    public void close() {
        uniqueKeys.close();
        shapes.close();
        watch.close();
    }

    /** Hands repeatable schema work to the pipeline, named for its logs. */
    private static void handOver(Object work, Events<PgLsn> out) throws InterruptedException {
        String what = switch (work) {
            case TableCopy c -> (c.replace() ? "copy again " : "copy new table ") + c.table();
            case CatalogWatch.DropTable d -> "drop table " + d.table();
            case CatalogWatch.Baseline b -> "record the storage of " + b.storage().size() + " table(s)";
            case ShapeTracker.Evolve e -> "evolve " + e.evolution().describe(e.statements());
            case ShapeCheck c -> "check the shape of " + c.rel().table();
            default -> work.toString();
        };
        out.put(new ChangeEvent.Repeatable<>(work instanceof ShapeTracker.Evolve e ? e.evolution() : work, what));
    }

    /**
     * Detects a stalled stream, as PostgreSQL's own wal_receiver_timeout does: the source has WAL this stream has not
     * delivered, and nothing (no change, no keepalive position) arrived for a while. After a quarter of the stall
     * timeout a status update asking for a reply is sent, so a server that is only busy (decoding a large transaction)
     * answers with a keepalive; when nothing arrives for the whole stall timeout the stream is declared lost and the
     * job's retrier reconnects. An idle, caught-up stream is never a stall.
     */
    private void watchForStall(SlotStream stream, long now, boolean received) {
        long seen = stream.lastReceived();
        if (received || seen != lastSeen || sourceHead.getAsLong() <= Math.max(seen, acknowledged.get())) {
            lastSeen = seen;
            lastProgress = now;
            return;
        }
        long silent = now - lastProgress;
        long timeout = settings.stallTimeout().toMillis();
        if (silent >= timeout) {
            throw new FerryException(ErrorCode.UNAVAILABLE, ("The replication stream of job %s delivered nothing for %d s "
                    + "although the source has WAL to send; the connection is stalled, reconnecting")
                    .formatted(settings.job(), silent / 1000));
        }
        if (silent >= timeout / 4 && now - lastPing >= timeout / 4) {
            lastPing = now;
            stream.confirm(confirmed, true);
        }
    }

    private void handle(PgOutputMessage message, Events<PgLsn> out) throws InterruptedException {
        switch (message) {
            case Begin b -> {
                for (Object work : watch.dueCopies(b.commitLsn())) {
                    handOver(work, out);
                }
                inTransaction = true;
                commitLsn = b.commitLsn();
                statementsSeen.clear();
                out.put(new ChangeEvent.Begin<>(new PgLsn(b.commitLsn()), new PgLsn(b.commitLsn()).lsn(), b.commitTime()));
            }
            case Commit c -> {
                inTransaction = false;
                position = Math.max(position, c.endLsn());
                out.put(new ChangeEvent.Commit<>(new PgLsn(c.endLsn()), c.commitTime()));
            }
            case Relation r -> {
                relations.put(r.oid(), r);
                keyNames.put(r.oid(), r.columns().stream().filter(PgOutputMessage.Column::key).map(PgOutputMessage.Column::name).toList());
                shapeChecked.remove(r.oid());
                uniqueKeys.forget(r.table());
            }
            case Insert i -> {
                if (captured(i, out)) {
                    return;
                }
                Relation rel = applicable(i.relationOid(), out);
                if (rel != null) {
                    send(rel, ChangePlanner.plan(rel, i), false, out);
                }
            }
            case Update u -> {
                Relation rel = applicable(u.relationOid(), out);
                if (rel != null) {
                    send(rel, ChangePlanner.plan(rel, u), u.oldKind() == 'K', out);
                }
            }
            case Delete d -> {
                Relation rel = applicable(d.relationOid(), out);
                if (rel != null) {
                    send(rel, ChangePlanner.plan(rel, d), false, out);
                }
            }
            case Truncate t -> truncate(t, out);
            case Type t -> log.atDebug().addKeyValue("job", settings.job()).addKeyValue("type", t.schema() + "." + t.name())
                    .log("type announced");
            case Origin o -> log.atDebug().addKeyValue("job", settings.job()).addKeyValue("origin", o.name())
                    .log("transaction from another origin");
            case Ignored ignored -> { }
        }
    }

    /**
     * The change's relation, or null when the change is to be left out (its table was copied later, or is not
     * selected). Before the first change after a Relation message the destination table is brought to its shape, or,
     * when the destination has no such table, the table is copied from a later snapshot (which holds this change).
     */
    private Relation applicable(int oid, Events<PgLsn> out) throws InterruptedException {
        Relation rel = relations.get(oid);
        if (rel == null) {
            throw new IllegalStateException("pgoutput sent a change for relation " + oid + " before describing it");
        }
        if (commitLsn < watch.copiedAt(rel.table()) || notSelected.contains(oid) || DdlCapture.SCHEMA.equals(rel.schema())) {
            return null;
        }
        if (settings.capture() != null && shapeChecked.add(oid)) {
            // The captured DDL before this change made the destination table; it is compared once that has applied.
            if (!watch.selected(rel.table())) {
                notSelected.add(oid);
                return null;
            }
            handOver(new ShapeCheck(rel), out);
            return rel;
        }
        if (shapeChecked.add(oid)) {
            switch (shapes.check(rel)) {
                case ShapeTracker.Fits f -> { }
                case ShapeTracker.Evolve e -> handOver(e, out);
                case ShapeTracker.Absent a -> {
                    if (!watch.selected(rel.table())) {
                        notSelected.add(oid);
                        log.atInfo().addKeyValue("job", settings.job()).addKeyValue("table", rel.table())
                                .log("changes to a table the job does not select are left out");
                        return null;
                    }
                    handOver(watch.copy(rel.table(), false), out);
                    return commitLsn < watch.copiedAt(rel.table()) ? null : rel;
                }
            }
        }
        return rel;
    }

    private void send(Relation rel, Plan plan, boolean oldKeySent, Events<PgLsn> out) throws InterruptedException {
        switch (plan) {
            case ChangePlanner.Statement st -> {
                List<String> key = null;
                boolean keyChanged = false;
                List<String> names = keyNames.get(rel.oid());
                ChangePlanner.Kind kind = st.shape().kind();
                boolean byKey = kind == ChangePlanner.Kind.INSERT || kind == ChangePlanner.Kind.UPDATE_BY_KEY
                        || kind == ChangePlanner.Kind.DELETE_BY_KEY;
                if (!names.isEmpty() && !rel.identityFull() && byKey) {
                    key = ChangePlanner.keyValues(rel, st, names);
                    if (oldKeySent && key != null) {
                        List<String> after = newKey(rel, st, names);
                        keyChanged = after != null && !key.equals(after);
                    }
                }
                boolean whole = key == null || uniqueKeys.hasOtherUniqueKeys(rel.table(), rel);
                out.put(new ChangeEvent.Row<>(new PgChange(rel, st, PgChange.op(st.shape().kind()), key, keyChanged, whole, commitLsn)));
            }
            case ChangePlanner.Unsupported u -> {
                listener.unsupported(rel.table(), u.what());
                if (reportedUnsupported.add(rel.table())) {
                    log.atWarn().addKeyValue("job", settings.job()).addKeyValue("table", rel.table())
                            .addKeyValue("change", u.what()).log("change cannot be replicated; counted, not applied");
                }
            }
            case ChangePlanner.Nothing n -> { }
        }
    }

    /** The key of the row an UPDATE leaves: its key columns among what it sets; null when one is not sent. */
    private static List<String> newKey(Relation rel, ChangePlanner.Statement st, List<String> names) {
        ChangePlanner.Shape shape = st.shape();
        List<String> key = new ArrayList<>();
        for (String name : names) {
            int v = 0;
            String found = null;
            boolean present = false;
            for (int i = 0; i < shape.setMask().length(); i++) {
                if (shape.setMask().charAt(i) == '1') {
                    if (rel.columns().get(i).name().equals(name)) {
                        found = st.values()[v];
                        present = true;
                    }
                    v++;
                }
            }
            if (!present) {
                return null;
            }
            key.add(found);
        }
        return key;
    }

    private void truncate(Truncate t, Events<PgLsn> out) throws InterruptedException {
        List<Relation> rels = new ArrayList<>();
        for (int oid : t.relationOids()) {
            Relation rel = applicable(oid, out);
            if (rel != null) {
                rels.add(rel);
            }
        }
        if (!rels.isEmpty()) {
            out.put(new ChangeEvent.Barrier<>(new TruncateWork(List.copyOf(rels), t.cascade(), t.restartIdentity()),
                    "TRUNCATE " + rels.stream().map(r -> r.table().toString()).toList(), null, null));
        }
    }

    /**
     * Whether {@code insert} is a row of the job's DDL capture table: then the statement it records is handed to the
     * pipeline as a barrier at this place of the transaction (unless the job selects nothing it touches), never applied
     * as a row.
     */
    private boolean captured(Insert insert, Events<PgLsn> out) throws InterruptedException {
        DdlCapture.Names capture = settings.capture();
        Relation rel = relations.get(insert.relationOid());
        if (capture == null || rel == null || !rel.table().equals(capture.tableRef())) {
            return false;
        }
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < rel.columns().size() && i < insert.newTuple().size(); i++) {
            row.put(rel.columns().get(i).name(), insert.newTuple().value(i));
        }
        if (!settings.job().equals(row.get("job")) || row.get("statement") == null || row.get("command_tag") == null) {
            log.atWarn().addKeyValue("job", settings.job()).addKeyValue("table", rel.table())
                    .log("a row in the DDL capture table was not written by the job's capture; ignored");
            return true;
        }
        var ddl = new CapturedDdl(Long.parseLong(row.get("id")), row.get("command_tag"), row.get("object_identity"),
                DdlCapture.textArray(row.get("schemas")), row.get("search_path"), ownStatement(row.get("statement"),
                        row.get("command_tag")));
        if (!ddl.schemas().isEmpty() && ddl.schemas().stream().noneMatch(watch::schemaSelected)) {
            log.atInfo().addKeyValue("job", settings.job()).addKeyValue("ddl", ddl.tag() + " " + ddl.identity())
                    .log("captured DDL on schemas the job does not select is left out");
            listener.notice("Left out DDL captured on the source (%s on %s): it touches only schemas the job does not select"
                    .formatted(ddl.tag(), ddl.identity()));
            return true;
        }
        out.put(new ChangeEvent.Barrier<>(ddl, "DDL " + ddl.tag() + " " + ddl.identity(), null, null));
        return true;
    }

    /**
     * The statement a capture row stands for. A client may send several statements in one query string, and the
     * capture records that whole string for each DDL statement in it: then the k-th row of this transaction with that
     * string and command is the k-th statement of the string that begins with the command's first word.
     */
    private String ownStatement(String query, String tag) {
        List<String> parts = QueryText.statements(query);
        if (parts.size() <= 1) {
            return query;
        }
        String word = tag.split(" ")[0];
        List<String> candidates = parts.stream().filter(p -> QueryText.firstWord(p).equals(word)).toList();
        int k = statementsSeen.merge(query + "\u0000" + word, 1, Integer::sum) - 1;
        if (k < candidates.size()) {
            return candidates.get(k);
        }
        log.atWarn().addKeyValue("job", settings.job()).addKeyValue("ddl", tag)
                .log("cannot tell which statement of a multi-statement query string a captured DDL is; replaying it whole");
        return query;
    }

    /** With DDL capture, compares a relation with its destination table once everything before it applied. */
    record ShapeCheck(Relation rel) {}

    /** A TRUNCATE to apply alone. */
    record TruncateWork(List<Relation> rels, boolean cascade, boolean restartIdentity) {}
}
