package dev.ferry.core.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangeEvent.Barrier;
import dev.ferry.core.cdc.ChangeEvent.Begin;
import dev.ferry.core.cdc.ChangeEvent.Commit;
import dev.ferry.core.cdc.ChangeEvent.Reached;
import dev.ferry.core.cdc.ChangeEvent.Row;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change replication through one pipeline, whatever the engine. A reader thread runs the engine's {@link ChangeSource}
 * ahead of the appliers through a queue bounded in bytes. This thread, the coordinator, gathers many source
 * transactions into one batch, routes each row change to one of N apply partitions by table and key (a table whose
 * changes must stay together goes whole to one partition), compacts each partition's share by key ({@link
 * NetChanges}), and hands the batch to the partitions, which apply their shares at the same time, each on its own
 * destination session, each committing its own {@link Mark} with its changes. While they apply, the coordinator
 * builds the next batch.
 *
 * <p>Exactly once, per partition: a restart streams from the earliest partition's position, and each partition skips
 * the transactions, and the changes of a partly applied transaction, that its own mark covers. A huge transaction is
 * cut into several batches, each recorded as a partial mark (the transaction and the ordinal of its last change), so
 * memory stays bounded.
 *
 * <p>What a reader of the destination may see: every key's changes are applied in source order, always. Between
 * partitions, order is kept at batch boundaries only: while a batch commits, one partition's share of it may be visible
 * before another's, so a reader may briefly see part of a source transaction. At the end of every batch all partitions
 * stand at the same source position, and the job reports "caught up", stops and promotes only there. A barrier (DDL,
 * TRUNCATE, an update that changes a key) drains every partition to the same position and is applied alone.
 *
 * <p>Not thread-safe: one {@link #run} per instance.
 *
 * @param <P> the engine's position type
 * @param <C> the engine's row change type
 */
public final class ChangePipeline<P extends Position, C extends RowChange> {
    private static final Logger log = LoggerFactory.getLogger(ChangePipeline.class);
    private static final long POLL_MILLIS = 5;
    private static final long IDLE_RECORD_MILLIS = 1_000;
    private static final long STATS_MILLIS = 1_000;
    /**
     * Batches in flight at once: a partition that finished its share of one batch starts on the next while slower
     * partitions finish theirs.
     */
    private static final int MAX_IN_FLIGHT = 2;
    /** Events the reader hands over at once, and how long it holds one back at most. */
    private static final int HAND_OVER = 256;
    private static final long HOLD_NANOS = 2_000_000;

    /**
     * What the pipeline needs besides its collaborators. A batch is committed at a transaction's end once it holds
     * {@code maxBatchRows} row changes or {@code maxBatchBytes}, or {@code maxBatchMillis} after it began; a transaction
     * larger than that is cut inside. {@code stopAt} gives the position to stop at (null: none yet).
     */
    public record Settings<P>(String job, int partitions, long maxBatchRows, long maxBatchBytes, long maxBatchMillis,
            long queueBytes, P start, Supplier<P> stopAt, BooleanSupplier cancelled, Clock clock) {
        public Settings {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(stopAt, "stopAt");
            Objects.requireNonNull(cancelled, "cancelled");
            Objects.requireNonNull(clock, "clock");
            if (partitions < 1 || partitions > 64) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "apply partitions %d is out of range; use 1 to 64".formatted(partitions));
            }
            if (maxBatchRows < 1 || maxBatchBytes < 1 || maxBatchMillis < 1 || queueBytes < 1) {
                throw new IllegalArgumentException("batch and queue limits must be positive");
            }
        }

        /** Defaults for a job: batches of 20,000 rows, 8 MiB or 100 ms, a 16 MiB queue. */
        public static <P> Settings<P> of(String job, int partitions, P start, Supplier<P> stopAt, BooleanSupplier cancelled,
                Clock clock) {
            return new Settings<>(job, partitions, 20_000, 8L << 20, 100, 16L << 20, start, stopAt, cancelled, clock);
        }
    }

    private final Settings<P> settings;
    private final PositionOrder<P> order;
    private final ChangeSource<P> source;
    private final ChangeSinks<P, C> sinks;
    private final ChangeMerger<C> merger;
    private final LagProbe<P> lag;
    private final ReplicationListener listener;
    private final EventQueue<P> queue;

    private int n;
    private boolean uniformStart;
    /** What each partition had recorded when the run started: what it skips. */
    private final List<Mark<P>> resume = new ArrayList<>();
    /** What each partition has durably recorded now. */
    private final List<Mark<P>> durable = new ArrayList<>();
    private final List<ChangeSink<P, C>> sessions = new ArrayList<>();
    /** One lane per partition: its batches run one after the other on its session, in order. */
    private final List<ExecutorService> lanes = new ArrayList<>();
    /** Set by the first share that fails: later shares of any partition then apply nothing. */
    private volatile boolean applyFailed;
    private final AtomicReference<Throwable> firstApplyFailure = new AtomicReference<>();
    private volatile boolean done;
    private final AtomicReference<Throwable> readFailure = new AtomicReference<>();
    private final java.util.ArrayDeque<ChangeEvent<P>> taken = new java.util.ArrayDeque<>();

    private Batch current;
    /** Batches handed to the partitions and not yet completed, oldest first; at most {@link #MAX_IN_FLIGHT}. */
    private final java.util.ArrayDeque<Inflight> inflight = new java.util.ArrayDeque<>();
    private Begin<P> txn;
    private long ordinal;
    private P lastEnd;
    private Instant lastCommitTime;
    private Instant appliedCommitTime;
    private long lastIdleRecord;
    /** The last idle position the source reported, until the changes before it are all applied and it is told. */
    private P reached;
    /** The idle source's last position, until it is recorded as applied (see {@link #recordIdle}). */
    private P idleAt;
    private long skippedTransactions;

    private long rowsRead;
    private long rowsApplied;
    private long rowsWritten;
    private long batches;
    private long lastBatchRows;
    private long inOrderBatches;
    private long lastStats;
    private long statsRead;
    private long statsApplied;

    public ChangePipeline(Settings<P> settings, PositionOrder<P> order, ChangeSource<P> source, ChangeSinks<P, C> sinks,
            ChangeMerger<C> merger, LagProbe<P> lag, ReplicationListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.order = Objects.requireNonNull(order, "order");
        this.source = Objects.requireNonNull(source, "source");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
        this.merger = Objects.requireNonNull(merger, "merger");
        this.lag = Objects.requireNonNull(lag, "lag");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.queue = new EventQueue<>(settings.queueBytes());
    }

    /**
     * Replicates until the stop position is applied by every partition (then returns) or the cancel flag is raised
     * (then throws InterruptedException, the batch being applied committed, nothing else begun). Failures of the
     * source or of a partition throw, after every partition finished what it was doing.
     */
    public void run() throws InterruptedException {
        P from = prepare();
        log.atInfo().addKeyValue("job", settings.job()).addKeyValue("position", from.text()).addKeyValue("partitions", n)
                .log("change pipeline starting");
        Thread reader = Thread.ofVirtual().name("ferry-read-" + settings.job()).start(() -> read(from));
        Throwable failure = null;
        try {
            // The first session opens alone (it may create the bookkeeping), then the others at the same time, each
            // on its lane, while the reader already streams.
            List<Future<ChangeSink<P, C>>> opening = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                lanes.add(Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ferry-apply-" + settings.job() + "-" + p).factory()));
                int partition = p;
                opening.add(lanes.get(p).submit(() -> sinks.open(partition)));
                if (p == 0) {
                    try {
                        opening.get(0).get();
                    } catch (ExecutionException e) {
                        // reported below with the others
                    }
                }
            }
            Throwable openFailure = null;
            for (Future<ChangeSink<P, C>> f : opening) {
                try {
                    sessions.add(f.get());
                } catch (ExecutionException e) {
                    openFailure = openFailure == null ? e.getCause() : openFailure;
                }
            }
            if (openFailure != null) {
                throw rethrow(openFailure);
            }
            if (uniformStart) {
                // Every partition of this layout has its row before any batch: a partition that never committed
                // must not be taken for one that has nothing to skip.
                sessions.get(0).commit(durable.get(0), partitionNumbers());
            }
            current = new Batch();
            lastEnd = from;
            // Every partition applied what precedes the resume position: a source that stays idle from here on is
            // caught up already.
            listener.caughtUp(from);
            loop();
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            done = true;
            finishInflight(failure);
            joinUninterruptibly(reader);
            lanes.forEach(ExecutorService::shutdown);
            for (ChangeSink<P, C> s : sessions) {
                closeQuietly(s, failure);
            }
            closeQuietly(source, failure);
            log.atInfo().addKeyValue("job", settings.job()).addKeyValue("position", minDurable().text())
                    .addKeyValue("skippedTransactions", skippedTransactions).addKeyValue("rowsApplied", rowsApplied)
                    .addKeyValue("rowsWritten", rowsWritten).log("change pipeline stopped");
        }
    }

    private P prepare() {
        Map<Integer, Mark<P>> recorded = new HashMap<>();
        sinks.recorded().forEach((p, m) -> recorded.put(p, atLeastStart(m)));
        boolean uniform = recorded.values().stream().distinct().count() <= 1;
        Mark<P> initial = Mark.at(settings.start(), null);
        uniformStart = uniform;
        if (uniform) {
            n = settings.partitions();
            Mark<P> m = recorded.isEmpty() ? initial : recorded.values().iterator().next();
            IntStream.range(0, n).forEach(p -> resume.add(m));
            if (recorded.keySet().stream().anyMatch(p -> p >= n)) {
                sinks.retire(n);
            }
        } else {
            n = recorded.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
            IntStream.range(0, n).forEach(p -> resume.add(recorded.getOrDefault(p, initial)));
            if (n != settings.partitions()) {
                listener.notice(("Replication of job %s resumes with the %d apply partitions it stopped with; %d take effect "
                        + "at its next start").formatted(settings.job(), n, settings.partitions()));
            }
        }
        durable.addAll(resume);
        return minDurable();
    }

    private Mark<P> atLeastStart(Mark<P> m) {
        return order.compare(m.applied(), settings.start()) >= 0 ? m : Mark.at(settings.start(), m.commitTime());
    }

    private void read(P from) {
        try {
            source.stream(from, new ChangeSource.Events<>() {
                private final List<ChangeEvent<P>> held = new ArrayList<>(HAND_OVER);
                private long heldSince;

                @Override
                public void put(ChangeEvent<P> event) throws InterruptedException {
                    if (held.isEmpty()) {
                        heldSince = System.nanoTime();
                    }
                    held.add(event);
                    if (held.size() >= HAND_OVER || event instanceof Barrier || event instanceof Reached
                            || System.nanoTime() - heldSince >= HOLD_NANOS) {
                        flush();
                    }
                }

                @Override
                public void flush() throws InterruptedException {
                    if (held.isEmpty()) {
                        return;
                    }
                    while (!done && !queue.offerAll(held, 50)) {
                        // waits for room, or for the pipeline to stop
                    }
                    held.clear();
                }

                @Override
                public boolean done() {
                    return done;
                }
            });
        } catch (Throwable e) {
            readFailure.set(e);
        }
        if (!done && readFailure.get() == null) {
            readFailure.set(new IllegalStateException("the change source of job " + settings.job() + " ended its stream"));
        }
    }

    private void loop() throws InterruptedException {
        Clock clock = settings.clock();
        while (true) {
            if (settings.cancelled().getAsBoolean()) {
                throw new InterruptedException("replication of job " + settings.job() + " was stopped");
            }
            ChangeEvent<P> event = next();
            long now = clock.millis();
            if (event != null) {
                handle(event, now);
            } else {
                Throwable failed = readFailure.get();
                if (failed != null && queue.size() == 0 && taken.isEmpty()) {
                    throw rethrow(failed);
                }
                if (txn == null && current.hasWork() && appliersFree()) {
                    dispatch(Mark.at(lastEnd, lastCommitTime));
                }
                recordIdle(now);
            }
            while (!inflight.isEmpty() && (inflight.peekFirst().isDone() || stopRequested())) {
                completeOldest();
            }
            if (reached != null && txn == null && !current.hasWork() && inflight.isEmpty()) {
                listener.caughtUp(reached);
                reached = null;
            }
            if (txn == null && !current.hasWork() && inflight.isEmpty() && stopRequested()) {
                source.acknowledge(minDurable());
                return;
            }
            lag.maybeReport(now, listener, oldestPending(), event != null, appliedCommitTime, minDurable());
            if (now - lastStats >= STATS_MILLIS) {
                reportStats(now);
            }
        }
    }

    /** The next event, taken from the queue in bulk; null when none arrived within the poll interval. */
    private ChangeEvent<P> next() throws InterruptedException {
        if (taken.isEmpty() && queue.drainTo(taken, 512, POLL_MILLIS) == 0) {
            return null;
        }
        return taken.removeFirst();
    }

    private void handle(ChangeEvent<P> event, long now) throws InterruptedException {
        switch (event) {
            case Begin<P> b -> {
                if (txn != null) {
                    throw new IllegalStateException("the change source of job %s began transaction %s inside %s"
                            .formatted(settings.job(), b.txn(), txn.txn()));
                }
                txn = b;
                ordinal = 0;
                current.begin(b, now);
            }
            case Row<P> r -> row(cast(r.change()), now);
            case Barrier<P> b -> barrier(b);
            case ChangeEvent.Repeatable<P> r -> repeatable(r);
            case Commit<P> c -> {
                if (txn == null) {
                    throw new IllegalStateException("the change source of job %s committed outside a transaction".formatted(settings.job()));
                }
                if (coveredByAll(txn)) {
                    skippedTransactions++;
                }
                txn = null;
                lastEnd = c.end();
                lastCommitTime = c.commitTime();
                current.transactions++;
                if (current.full() || stopReachedBy(c.end()) || current.due(now) && appliersFree()) {
                    dispatch(Mark.at(lastEnd, lastCommitTime));
                }
            }
            case Reached<P> r -> {
                reached = r.position();
                idleAt = r.position();
                recordIdle(now);
            }
        }
    }

    /** The source hands over its own change type: the engine wires a source and a sink of the same type. */
    @SuppressWarnings("unchecked")
    private C cast(RowChange change) {
        return (C) change;
    }

    private void row(C change, long now) throws InterruptedException {
        if (txn == null) {
            throw new IllegalStateException("the change source of job %s sent a row change outside a transaction".formatted(settings.job()));
        }
        ordinal++;
        rowsRead++;
        if (change.keyChanged()) {
            if (!coveredEverywhere()) {
                drainThen(mark -> {
                    sessions.get(0).applyInOrder(List.of(change));
                    sessions.get(0).commit(mark, partitionNumbers());
                }, change.table(), "an update that changes a key");
            }
            return;
        }
        int p = partition(change);
        Mark<P> m = resume.get(p);
        if (order.covers(m.applied(), txn) || (txn.txn().equals(m.txn()) && ordinal <= m.ordinal())) {
            return;
        }
        current.add(p, change);
        if (current.rows >= settings.maxBatchRows() || current.bytes >= settings.maxBatchBytes()) {
            dispatch(new Mark<>(lastEnd, lastCommitTime, txn.txn(), ordinal));
        }
    }

    private void barrier(Barrier<P> b) throws InterruptedException {
        if (txn != null) {
            ordinal++;
            if (!coveredEverywhere()) {
                drainThen(mark -> sessions.get(0).barrier(b.work(), mark, partitionNumbers()), null, b.what());
            }
            return;
        }
        if (b.end() == null) {
            throw new IllegalStateException("the change source of job %s sent a barrier (%s) outside a transaction without its end"
                    .formatted(settings.job(), b.what()));
        }
        if (durable.stream().allMatch(m -> order.compare(b.end(), m.applied()) <= 0)) {
            skippedTransactions++;
            return;
        }
        if (current.hasWork()) {
            dispatch(Mark.at(lastEnd, lastCommitTime));
        }
        awaitInflight();
        Mark<P> mark = Mark.at(b.end(), b.commitTime() != null ? b.commitTime() : appliedCommitTime);
        log.atInfo().addKeyValue("job", settings.job()).addKeyValue("barrier", b.what()).addKeyValue("position", b.end().text())
                .log("applying a barrier alone");
        listener.changing(null, null);
        sessions.get(0).barrier(b.work(), mark, partitionNumbers());
        lastEnd = b.end();
        lastCommitTime = mark.commitTime();
        recordAll(mark, Map.of());
    }

    /** Runs repeatable work alone once everything before it is applied; records no mark (see {@link ChangeEvent.Repeatable}). */
    private void repeatable(ChangeEvent.Repeatable<P> r) throws InterruptedException {
        if (txn != null && coveredByAll(txn)) {
            return;
        }
        if (current.hasWork()) {
            dispatch(txn != null && ordinal > 0 ? new Mark<>(lastEnd, lastCommitTime, txn.txn(), ordinal)
                    : Mark.at(lastEnd, lastCommitTime));
        }
        awaitInflight();
        log.atInfo().addKeyValue("job", settings.job()).addKeyValue("work", r.what()).log("applying repeatable work alone");
        listener.changing(null, null);
        try {
            sessions.get(0).barrier(r.work(), Mark.at(lastEnd, lastCommitTime), List.of());
        } catch (RuntimeException e) {
            sessions.get(0).rollback();
            throw e;
        }
    }

    private boolean coveredByAll(Begin<P> begin) {
        for (Mark<P> m : resume) {
            if (!order.covers(m.applied(), begin)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every partition already applied the change at the current ordinal of the open transaction. */
    private boolean coveredEverywhere() {
        return resume.stream().allMatch(m -> order.covers(m.applied(), txn) || (txn.txn().equals(m.txn()) && ordinal <= m.ordinal()));
    }

    @FunctionalInterface
    private interface Alone<Q> {
        void apply(Mark<Q> mark);
    }

    /**
     * Applies the current transaction's change at the current ordinal alone: what came before it is dispatched and
     * committed by every partition, then {@code alone} runs on partition 0's session and records the mark for all.
     */
    private void drainThen(Alone<P> alone, TableRef table, String what) throws InterruptedException {
        if (current.hasWork() || ordinal > 1) {
            dispatch(new Mark<>(lastEnd, lastCommitTime, txn.txn(), ordinal - 1));
        }
        awaitInflight();
        Mark<P> mark = new Mark<>(lastEnd, lastCommitTime, txn.txn(), ordinal);
        log.atDebug().addKeyValue("job", settings.job()).addKeyValue("barrier", what).addKeyValue("table", table)
                .log("applying a change alone");
        listener.changing(table, null);
        try {
            alone.apply(mark);
        } catch (RuntimeException e) {
            sessions.get(0).rollback();
            throw e;
        }
        recordAll(mark, table == null ? Map.of() : Map.of(table, 1L));
        rowsApplied++;
        rowsWritten++;
    }

    private void recordAll(Mark<P> mark, Map<TableRef, Long> rows) {
        for (int p = 0; p < n; p++) {
            durable.set(p, mark);
        }
        appliedCommitTime = mark.commitTime() != null ? mark.commitTime() : appliedCommitTime;
        listener.applied(minDurable(), appliedCommitTime != null ? appliedCommitTime : settings.clock().instant(), rows);
        source.acknowledge(minDurable());
    }

    private List<Integer> partitionNumbers() {
        return IntStream.range(0, n).boxed().toList();
    }

    private int partition(C change) {
        if (n == 1) {
            return 0;
        }
        int hash = change.wholeTable() || change.key() == null ? change.table().hashCode()
                : 31 * change.table().hashCode() + change.key().hashCode();
        return Math.floorMod(spread(hash), n);
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /**
     * Records the idle source's last position ({@link #idleAt}) as applied, at most every {@link #IDLE_RECORD_MILLIS},
     * or at once when it reaches the stop position. Called on each {@code Reached} and whenever no event came: an
     * idle source sends no further one, and a stop set after its last position arrived must still be reached.
     */
    private void recordIdle(long now) throws InterruptedException {
        if (idleAt != null && txn == null && !current.hasWork() && order.compare(idleAt, lastEnd) > 0
                && (now - lastIdleRecord >= IDLE_RECORD_MILLIS || stopReachedBy(idleAt))) {
            lastIdleRecord = now;
            lastEnd = idleAt;
            idleAt = null;
            dispatch(Mark.at(lastEnd, appliedCommitTime));
        }
    }

    private boolean stopRequested() {
        P stop = settings.stopAt().get();
        return stop != null && order.compare(minDurable(), stop) >= 0
                || stop != null && !inflight.isEmpty() && order.compare(inflight.peekLast().mark.applied(), stop) >= 0;
    }

    private boolean stopReachedBy(P position) {
        P stop = settings.stopAt().get();
        return stop != null && order.compare(position, stop) >= 0;
    }

    private P minDurable() {
        P min = null;
        for (Mark<P> m : durable) {
            if (min == null || order.compare(m.applied(), min) < 0) {
                min = m.applied();
            }
        }
        return min;
    }

    private Instant oldestPending() {
        Instant a = inflight.isEmpty() ? null : inflight.peekFirst().batch.oldest;
        Instant b = current.oldest;
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    /**
     * True when no batch is being applied: a batch that is only due waits for that, gathering more (fewer, larger
     * destination transactions under load, and more to compact), while a full one goes at once.
     */
    private boolean appliersFree() {
        return inflight.size() < MAX_IN_FLIGHT;
    }

    /** Hands the current batch to the partitions, up to {@code mark}, once fewer than the most batches are in flight. */
    private void dispatch(Mark<P> mark) throws InterruptedException {
        while (inflight.size() >= MAX_IN_FLIGHT) {
            completeOldest();
        }
        Batch batch = current;
        current = new Batch();
        if (txn != null) {
            current.oldest = batch.oldest;
            current.started = batch.started;
        }
        List<Future<Applied>> futures = new ArrayList<>();
        List<Mark<P>> marks = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            NetChanges<C> share = batch.shares.get(p);
            Mark<P> m = later(mark, durable.get(p)) ? mark : null;
            marks.add(m);
            if (m == null && share.isEmpty()) {
                continue;
            }
            if (m == null) {
                throw new IllegalStateException("partition %d of job %s has changes but no later position to record"
                        .formatted(p, settings.job()));
            }
            int partition = p;
            futures.add(lanes.get(p).submit(() -> apply(partition, share, m)));
        }
        inflight.addLast(new Inflight(batch, mark, marks, futures));
    }

    /** Applies one partition's share and commits its mark; on failure rolls back and rethrows. */
    private Applied apply(int p, NetChanges<C> share, Mark<P> mark) {
        ChangeSink<P, C> session = sessions.get(p);
        if (applyFailed) {
            throw new IllegalStateException("an earlier batch of job " + settings.job() + " failed; this one is not applied");
        }
        try {
            boolean inOrder = share.inOrder();
            int written = 0;
            if (!share.isEmpty()) {
                List<NetChanges.TableChanges<C>> tables = inOrder ? null : share.tables();
                if (!inOrder && session.applyNet(tables)) {
                    written = tables.stream().mapToInt(NetChanges.TableChanges::size).sum();
                } else {
                    if (!inOrder) {
                        session.rollback();
                        inOrder = true;
                    }
                    session.applyInOrder(share.changes());
                    written = share.changes().size();
                }
            }
            session.commit(mark, List.of(p));
            return new Applied(p, share.changes().size(), written, inOrder);
        } catch (RuntimeException | Error e) {
            firstApplyFailure.compareAndSet(null, e);
            applyFailed = true;
            session.rollback();
            throw e;
        }
    }

    /** Whether mark {@code a} is past mark {@code b}: a later position, or further inside the same transaction. */
    private boolean later(Mark<P> a, Mark<P> b) {
        int c = order.compare(a.applied(), b.applied());
        if (c != 0) {
            return c > 0;
        }
        if (!a.partial()) {
            return false;
        }
        return !b.partial() || a.txn().equals(b.txn()) && a.ordinal() > b.ordinal();
    }

    private void awaitInflight() throws InterruptedException {
        while (!inflight.isEmpty()) {
            completeOldest();
        }
    }

    /**
     * Waits for every partition of the oldest batch in flight, records their marks, reports, and rethrows a failure
     * (after every batch in flight ended, the positions then read back from the destination).
     */
    private void completeOldest() throws InterruptedException {
        Inflight f = inflight.pollFirst();
        Throwable failure = null;
        long raw = 0;
        long written = 0;
        for (Future<Applied> future : f.futures) {
            try {
                Applied a = future.get();
                raw += a.rows;
                written += a.written;
                if (a.inOrder) {
                    inOrderBatches++;
                }
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure == null) {
            for (int p = 0; p < n; p++) {
                if (f.marks.get(p) != null) {
                    durable.set(p, f.marks.get(p));
                }
            }
        } else {
            // A partition that failed rolled back; its mark must not count, nor may later ones. Let every batch in
            // flight end, then reload what is durable from the destination.
            while (!inflight.isEmpty()) {
                for (Future<Applied> later : inflight.pollFirst().futures) {
                    try {
                        later.get();
                    } catch (ExecutionException ignored) {
                        log.atDebug().addKeyValue("job", settings.job()).log("a later batch ended after an earlier one failed");
                    }
                }
            }
            Map<Integer, Mark<P>> recorded = sinks.recorded();
            for (int p = 0; p < n; p++) {
                Mark<P> m = recorded.get(p);
                durable.set(p, m == null ? resume.get(p) : atLeastStart(m));
            }
            throw rethrow(firstApplyFailure.get() != null ? firstApplyFailure.get() : failure);
        }
        batches++;
        lastBatchRows = raw;
        rowsApplied += raw;
        rowsWritten += written;
        if (f.mark.commitTime() != null) {
            appliedCommitTime = f.mark.commitTime();
        }
        listener.applied(minDurable(), appliedCommitTime != null ? appliedCommitTime : settings.clock().instant(),
                f.batch.rowsByTable);
        source.acknowledge(minDurable());
    }

    /** On the way out: lets the batch in flight finish (it commits or rolls back by itself). */
    private void finishInflight(Throwable failure) {
        if (inflight.isEmpty()) {
            return;
        }
        try {
            awaitInflight();
        } catch (Throwable e) {
            if (failure != null && e != failure) {
                failure.addSuppressed(e);
            } else if (failure == null) {
                log.atWarn().addKeyValue("job", settings.job()).setCause(e).log("the last batch failed while the pipeline stopped");
            }
        }
    }

    private void reportStats(long now) {
        double seconds = lastStats == 0 ? 0 : (now - lastStats) / 1000.0;
        double readRate = seconds <= 0 ? 0 : (rowsRead - statsRead) / seconds;
        double applyRate = seconds <= 0 ? 0 : (rowsApplied - statsApplied) / seconds;
        lastStats = now;
        statsRead = rowsRead;
        statsApplied = rowsApplied;
        List<PipelineStats.Partition> parts = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            Mark<P> m = durable.get(p);
            parts.add(new PipelineStats.Partition(p, m.applied().text() + (m.partial() ? " +" + m.ordinal() + " of " + m.txn() : ""),
                    m.commitTime()));
        }
        listener.pipeline(new PipelineStats(queue.size() + taken.size(), queue.bytes(), settings.queueBytes(), rowsRead, rowsApplied, rowsWritten,
                readRate, applyRate, batches, lastBatchRows, inOrderBatches, parts));
    }

    private static RuntimeException rethrow(Throwable e) throws InterruptedException {
        switch (e) {
            case InterruptedException ie -> throw ie;
            case RuntimeException re -> throw re;
            case Error err -> throw err;
            default -> throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void closeQuietly(AutoCloseable c, Throwable failure) {
        try {
            c.close();
        } catch (Exception e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                log.atWarn().addKeyValue("job", settings.job()).setCause(e).log("closing a replication resource failed");
            }
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One partition's part of a batch, once applied. */
    private record Applied(int partition, long rows, long written, boolean inOrder) {}

    /** A batch handed to the partitions: the futures of their work and the mark each records. */
    private final class Inflight {
        final Batch batch;
        final Mark<P> mark;
        final List<Mark<P>> marks;
        final List<Future<Applied>> futures;

        Inflight(Batch batch, Mark<P> mark, List<Mark<P>> marks, List<Future<Applied>> futures) {
            this.batch = batch;
            this.mark = mark;
            this.marks = marks;
            this.futures = futures;
        }

        boolean isDone() {
            for (Future<Applied> f : futures) {
                if (!f.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The batch being gathered: each partition's share, compacted as it comes. */
    private final class Batch {
        final List<NetChanges<C>> shares = new ArrayList<>();
        final Map<TableRef, Long> rowsByTable = new HashMap<>();
        long rows;
        long bytes;
        long transactions;
        long started = -1;
        Instant oldest;

        Batch() {
            for (int p = 0; p < n; p++) {
                shares.add(new NetChanges<>(merger));
            }
        }

        void begin(Begin<P> b, long now) {
            if (started < 0) {
                started = now;
            }
            if (oldest == null) {
                oldest = b.commitTime();
            }
        }

        void add(int p, C change) {
            listener.changing(change.table(), change.keyChanged() ? null : change.key());
            shares.get(p).add(change);
            rowsByTable.merge(change.table(), 1L, Long::sum);
            rows++;
            bytes += change.bytes();
        }

        boolean hasWork() {
            return rows > 0 || transactions > 0;
        }

        /** Big enough to be applied now, even if that means waiting for the batch before it. */
        boolean full() {
            return rows >= settings.maxBatchRows() || bytes >= settings.maxBatchBytes();
        }

        /** Old enough to be applied as soon as the partitions are free. */
        boolean due(long now) {
            return started >= 0 && now - started >= settings.maxBatchMillis();
        }
    }
}
