package dev.ferry.core.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.cdc.ChangeEvent.Begin;
import dev.ferry.core.cdc.ChangeEvent.Commit;
import dev.ferry.core.cdc.ChangeEvent.Row;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The pipeline against an in-memory destination that refuses what a real one refuses (an insert of a present key, an
 * update or delete of a missing row): random workloads, partitions, batch sizes, huge transactions cut inside, crashes
 * at random commits followed by a restart. The destination must end equal to the source, each change applied once
 * (a second application would be refused), and compaction must write fewer rows than the source changed when keys
 * repeat.
 */
class ChangePipelineProperties {
    private static final TableRef HOT = new TableRef("s", "hot");
    private static final TableRef WIDE = new TableRef("s", "wide");
    private static final TableRef LOG = new TableRef("s", "log");

    @Property(tries = 60)
    void endsEqualExactlyOnceThroughCrashes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int partitions,
            @ForAll @IntRange(min = 1, max = 40) int batchRows, @ForAll @IntRange(min = 0, max = 3) int crashes) throws Exception {
        Random random = new Random(seed);
        Workload w = Workload.random(random, 60);
        Destination dst = new Destination();
        int failAt = crashes == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(8);
        int runs = 0;
        while (true) {
            runs++;
            AtomicInteger commits = new AtomicInteger();
            int crashAfter = runs <= crashes ? failAt * runs : Integer.MAX_VALUE;
            var sinks = dst.sinks(commits, crashAfter);
            var pipeline = new ChangePipeline<>(settings(partitions, batchRows, w.end()), ORDER, new ListSource(w), sinks,
                    Chg::merge, (now, l, oldest, busy, t, p) -> { }, NOTHING);
            try {
                pipeline.run();
                break;
            } catch (Crash crash) {
                assertThat(runs).isLessThanOrEqualTo(crashes);
            }
        }
        assertThat(dst.rows).isEqualTo(w.model);
        assertThat(dst.marks.values()).allSatisfy(m -> assertThat(m.applied()).isEqualTo(w.end()));
    }

    @Property(tries = 20)
    void compactionWritesLessWhenKeysRepeat(@ForAll long seed) throws Exception {
        Workload w = Workload.hot(new Random(seed), 400);
        Destination dst = new Destination();
        var sinks = dst.sinks(new AtomicInteger(), Integer.MAX_VALUE);
        var stats = new ArrayList<PipelineStats>();
        ReplicationListener listener = new Listener() {
            @Override
            public void pipeline(PipelineStats s) {
                stats.add(s);
            }
        };
        new ChangePipeline<>(settings(2, 5_000, w.end()), ORDER, new ListSource(w), sinks, Chg::merge,
                (now, l, oldest, busy, t, p) -> { }, listener).run();
        assertThat(dst.rows).isEqualTo(w.model);
        assertThat(dst.writes).isLessThan(w.rows / 2);
    }

    @Property(tries = 30)
    void caughtUpIsHeardOnlyOnceEveryChangeBeforeItIsApplied(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 4) int partitions, @ForAll @IntRange(min = 1, max = 40) int batchRows) throws Exception {
        Workload w = Workload.random(new Random(seed), 40);
        List<Map<String, Map<String, Integer>>> after = new ArrayList<>();
        Map<String, Map<String, Integer>> model = new HashMap<>();
        after.add(Map.of());
        for (List<Chg> txn : w.txns) {
            txn.forEach(c -> Destination.change(model, c));
            after.add(new HashMap<>(model));
        }
        Destination dst = new Destination();
        List<String> early = new ArrayList<>();
        AtomicInteger heard = new AtomicInteger();
        ReplicationListener listener = new Listener() {
            @Override
            public void caughtUp(dev.ferry.core.model.Position position) {
                // Transaction t ends at 10t+5: the states after it and after every later one are fine.
                long at = ((PgLsn) position).value();
                if (at > 0) {
                    heard.incrementAndGet();
                }
                int txn = at < 5 ? 0 : (int) ((at - 5) / 10) + 1;
                synchronized (dst) {
                    if (after.subList(txn, after.size()).stream().noneMatch(dst.rows::equals)) {
                        early.add("caught up to " + at + " before the transactions before it were applied");
                    }
                }
            }
        };
        ListSource source = new ListSource(w);
        source.reached = true;
        source.destination = dst;
        new ChangePipeline<>(settings(partitions, batchRows, w.end()), ORDER, source,
                dst.sinks(new AtomicInteger(), Integer.MAX_VALUE), Chg::merge, (now, l, oldest, busy, t, p) -> { }, listener).run();

        assertThat(early).isEmpty();
        assertThat(dst.rows).isEqualTo(w.model);
        assertThat(heard.get()).as("an idle moment after the last transaction before the stop").isPositive();
    }

    /**
     * An idle source's position that arrived before the stop was set, within a second of the last one recorded, and
     * then nothing more: the stop at that position is still reached (a promotion of a job on an idle source waited
     * for the source's next WAL, which may never come).
     */
    @Example
    void aStopAtTheIdlePositionAlreadyReceivedIsReachedWithoutFurtherEvents() throws Exception {
        Workload w = new Workload();
        w.txn(List.of(new Chg(HOT, Op.INSERT, 1, Map.of("v", 1), false)));
        Destination dst = new Destination();
        var stop = new java.util.concurrent.atomic.AtomicReference<PgLsn>();
        var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        ChangeSource<PgLsn> source = new ChangeSource<>() {
            @Override
            public void stream(PgLsn from, Events<PgLsn> out) throws InterruptedException {
                out.put(new Begin<>(new PgLsn(1), "t0", Instant.EPOCH));
                out.put(new Row<>(w.txns.getFirst().getFirst()));
                out.put(new Commit<>(new PgLsn(5), Instant.EPOCH));
                out.flush();
                awaitCommitted(5);
                out.put(new ChangeEvent.Reached<>(new PgLsn(6))); // recorded: the first idle moment
                awaitCommitted(6);
                out.put(new ChangeEvent.Reached<>(new PgLsn(8))); // within a second of it: not recorded yet
                out.flush();
                while (!out.done()) {
                    LockSupport.parkNanos(1_000_000);
                }
            }

            private void awaitCommitted(long end) {
                while (!dst.committed(end) && !cancelled.get()) {
                    LockSupport.parkNanos(1_000_000);
                }
            }

            @Override
            public void acknowledge(PgLsn applied) {}

            @Override
            public void close() {}
        };
        ReplicationListener listener = new Listener() {
            @Override
            public void caughtUp(dev.ferry.core.model.Position position) {
                if (((PgLsn) position).value() == 8) {
                    stop.set(new PgLsn(8)); // the promotion asks to stop where the idle source stands
                }
            }
        };
        var settings = new ChangePipeline.Settings<>("job", 1, 10, 1L << 20, 5, 4096, new PgLsn(0), stop::get,
                cancelled::get, Clock.systemUTC());
        var pipeline = new ChangePipeline<>(settings, ORDER, source, dst.sinks(new AtomicInteger(), Integer.MAX_VALUE),
                Chg::merge, (now, l, oldest, busy, t, p) -> { }, listener);
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread run = Thread.ofVirtual().start(() -> {
            try {
                pipeline.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        boolean ended = run.join(Duration.ofSeconds(20));
        cancelled.set(true);
        run.join(Duration.ofSeconds(20));
        assertThat(ended).as("the pipeline stopped at the idle position (failure: %s)", failure.get()).isTrue();
        assertThat(failure.get()).isNull();
        assertThat(dst.committed(8)).isTrue();
    }

    @Property(tries = 10)
    void aSecondInsertOfOneKeyFailsInSourceOrder(@ForAll @IntRange(min = 1, max = 3) int partitions) {
        Workload w = new Workload();
        w.txn(List.of(new Chg(HOT, Op.INSERT, 1, Map.of("v", 1), false)));
        Destination dst = new Destination();
        dst.rows.put(HOT + ":1", Map.of("v", 0));
        var pipeline = new ChangePipeline<>(settings(partitions, 10, w.end()), ORDER, new ListSource(w),
                dst.sinks(new AtomicInteger(), Integer.MAX_VALUE), Chg::merge, (now, l, oldest, busy, t, p) -> { }, NOTHING);
        assertThatThrownBy(pipeline::run).isInstanceOf(Diverged.class).hasMessageContaining("s.hot:1");
    }

    private static ChangePipeline.Settings<PgLsn> settings(int partitions, int batchRows, PgLsn stop) {
        return new ChangePipeline.Settings<>("job", partitions, batchRows, 1L << 20, 5, 4096, new PgLsn(0), () -> stop,
                () -> false, Clock.systemUTC());
    }

    private static final PositionOrder<PgLsn> ORDER = (a, b) -> Long.compare(a.value(), b.value());

    private static final ReplicationListener NOTHING = new Listener();

    private static class Listener implements ReplicationListener {
        @Override
        public void applied(dev.ferry.core.model.Position position, Instant sourceCommitTime, Map<TableRef, Long> rows) {}

        @Override
        public void lag(Duration lag, long bytes) {}

        @Override
        public void unsupported(TableRef table, String what) {}
    }

    /** A row change of the model: {@code values} is the new row (INSERT, UPDATE) or empty (DELETE). */
    record Chg(TableRef table, Op op, int id, Map<String, Integer> values, boolean keyChanged, int newId) implements RowChange {
        Chg(TableRef table, Op op, int id, Map<String, Integer> values, boolean keyChanged) {
            this(table, op, id, values, keyChanged, id);
        }

        @Override
        public Object key() {
            return table.equals(LOG) ? null : id;
        }

        @Override
        public boolean wholeTable() {
            return table.equals(WIDE);
        }

        @Override
        public long bytes() {
            return 64;
        }

        static Chg merge(Chg a, Chg b) {
            Map<String, Integer> v = new TreeMap<>(a.values);
            v.putAll(b.values);
            return new Chg(a.table, a.op, a.id, v, false);
        }
    }

    /** Source transactions with their changes; transaction i begins at 10i+1 and ends at 10i+5. */
    static final class Workload {
        final List<List<Chg>> txns = new ArrayList<>();
        final Map<String, Map<String, Integer>> model = new HashMap<>();
        long rows;

        void txn(List<Chg> changes) {
            txns.add(changes);
            rows += changes.size();
        }

        PgLsn end() {
            return new PgLsn(10L * (txns.size() - 1) + 5);
        }

        static Workload random(Random r, int count) {
            Workload w = new Workload();
            int logId = 0;
            for (int t = 0; t < count; t++) {
                List<Chg> changes = new ArrayList<>();
                int size = r.nextInt(10) == 0 ? 50 + r.nextInt(100) : 1 + r.nextInt(6);
                for (int i = 0; i < size; i++) {
                    TableRef table = List.of(HOT, WIDE, LOG).get(r.nextInt(3));
                    if (table.equals(LOG)) {
                        int id = logId++;
                        changes.add(w.apply(new Chg(LOG, Op.INSERT, id, Map.of("v", r.nextInt(9)), false)));
                        continue;
                    }
                    int id = r.nextInt(20);
                    boolean present = w.model.containsKey(table + ":" + id);
                    if (!present) {
                        changes.add(w.apply(new Chg(table, Op.INSERT, id, Map.of("v", r.nextInt(9), "w", r.nextInt(9)), false)));
                    } else if (r.nextInt(4) == 0) {
                        changes.add(w.apply(new Chg(table, Op.DELETE, id, Map.of(), false)));
                    } else if (r.nextInt(15) == 0 && !w.model.containsKey(table + ":" + (id + 100))) {
                        changes.add(w.apply(new Chg(table, Op.UPDATE, id, Map.copyOf(w.model.get(table + ":" + id)), true, id + 100)));
                    } else {
                        changes.add(w.apply(new Chg(table, Op.UPDATE, id, Map.of(r.nextBoolean() ? "v" : "w", r.nextInt(9)), false)));
                    }
                }
                w.txn(changes);
            }
            return w;
        }

        static Workload hot(Random r, int count) {
            Workload w = new Workload();
            w.txn(List.of(w.apply(new Chg(HOT, Op.INSERT, 0, Map.of("v", 0), false)),
                    w.apply(new Chg(HOT, Op.INSERT, 1, Map.of("v", 0), false))));
            for (int t = 0; t < count; t++) {
                w.txn(List.of(w.apply(new Chg(HOT, Op.UPDATE, r.nextInt(2), Map.of("v", t), false)),
                        w.apply(new Chg(HOT, Op.UPDATE, r.nextInt(2), Map.of("w", t), false))));
            }
            return w;
        }

        private Chg apply(Chg c) {
            Destination.change(model, c);
            return c;
        }
    }

    /**
     * Replays the workload from a position, as a source's log would, then waits for the pipeline to stop. With
     * {@code reached}, an idle source's position follows each transaction but the last, once the pipeline took it all.
     */
    static final class ListSource implements ChangeSource<PgLsn> {
        private final Workload w;
        boolean reached;

        ListSource(Workload w) {
            this.w = w;
        }

        @Override
        public void stream(PgLsn from, Events<PgLsn> out) throws InterruptedException {
            for (int t = 0; t < w.txns.size(); t++) {
                if (10L * t + 1 < from.value()) {
                    continue;
                }
                out.put(new Begin<>(new PgLsn(10L * t + 1), "t" + t, Instant.EPOCH.plusSeconds(t)));
                for (Chg c : w.txns.get(t)) {
                    out.put(new Row<>(c));
                }
                out.put(new Commit<>(new PgLsn(10L * t + 5), Instant.EPOCH.plusSeconds(t)));
                if (reached && t + 1 < w.txns.size()) {
                    out.flush();
                    if (t % 4 == 0) {
                        awaitCommitted(10L * t + 5);
                    }
                    out.put(new ChangeEvent.Reached<>(new PgLsn(10L * t + 6)));
                }
            }
            out.flush();
            while (!out.done()) {
                LockSupport.parkNanos(1_000_000);
            }
        }

        /** An idle moment: waits (a second at most) until the destination committed up to {@code end}. */
        private void awaitCommitted(long end) {
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline && (destination == null || !destination.committed(end))) {
                LockSupport.parkNanos(1_000_000);
            }
        }

        Destination destination;

        @Override
        public void acknowledge(PgLsn applied) {}

        @Override
        public void close() {}
    }

    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("the destination went away");
        }
    }

    static final class Diverged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Diverged(String what) {
            super(what);
        }
    }

    /** Rows and partition marks, changed only by commits; a transaction's changes are kept apart until it commits. */
    static final class Destination {
        final Map<String, Map<String, Integer>> rows = new HashMap<>();
        final Map<Integer, Mark<PgLsn>> marks = new HashMap<>();
        long writes;

        static void change(Map<String, Map<String, Integer>> rows, Chg c) {
            String key = c.table() + ":" + c.id();
            switch (c.op()) {
                case INSERT -> {
                    if (rows.containsKey(key)) {
                        throw new Diverged("duplicate " + key);
                    }
                    rows.put(key, new TreeMap<>(c.values()));
                }
                case UPDATE -> {
                    Map<String, Integer> row = rows.remove(key);
                    if (row == null) {
                        throw new Diverged("no row " + key);
                    }
                    Map<String, Integer> updated = new TreeMap<>(row);
                    updated.putAll(c.values());
                    String newKey = c.table() + ":" + c.newId();
                    if (rows.containsKey(newKey)) {
                        throw new Diverged("duplicate " + newKey);
                    }
                    rows.put(newKey, updated);
                }
                case DELETE -> {
                    if (rows.remove(key) == null) {
                        throw new Diverged("no row " + key);
                    }
                }
            }
        }

        synchronized boolean committed(long end) {
            return marks.values().stream().anyMatch(m -> m.applied().value() >= end);
        }

        ChangeSinks<PgLsn, Chg> sinks(AtomicInteger commits, int crashAfter) {
            return new ChangeSinks<>() {
                @Override
                public Map<Integer, Mark<PgLsn>> recorded() {
                    synchronized (Destination.this) {
                        return Map.copyOf(marks);
                    }
                }

                @Override
                public ChangeSink<PgLsn, Chg> open(int partition) {
                    return new Session(commits, crashAfter);
                }

                @Override
                public void retire(int from) {
                    synchronized (Destination.this) {
                        marks.keySet().removeIf(p -> p >= from);
                    }
                }
            };
        }

        /** One session: its open transaction is a list of changes applied to a copy at commit. */
        final class Session implements ChangeSink<PgLsn, Chg> {
            private final List<Chg> open = new ArrayList<>();
            private final AtomicInteger commits;
            private final int crashAfter;

            Session(AtomicInteger commits, int crashAfter) {
                this.commits = commits;
                this.crashAfter = crashAfter;
            }

            @Override
            public boolean applyNet(List<NetChanges.TableChanges<Chg>> tables) {
                List<Chg> ordered = new ArrayList<>();
                for (var t : tables) {
                    ordered.addAll(t.deletes());
                    ordered.addAll(t.inserts());
                    ordered.addAll(t.updates());
                    ordered.addAll(t.inOrder());
                }
                synchronized (Destination.this) {
                    try {
                        Map<String, Map<String, Integer>> copy = new HashMap<>(rows);
                        open.forEach(c -> change(copy, c));
                        ordered.forEach(c -> change(copy, c));
                    } catch (Diverged e) {
                        return false;
                    }
                }
                open.addAll(ordered);
                return true;
            }

            @Override
            public void applyInOrder(List<Chg> changes) {
                synchronized (Destination.this) {
                    Map<String, Map<String, Integer>> copy = new HashMap<>(rows);
                    open.forEach(c -> change(copy, c));
                    changes.forEach(c -> change(copy, c));
                }
                open.addAll(changes);
            }

            @Override
            public void barrier(Object work, Mark<PgLsn> mark, Collection<Integer> partitions) {
                commit(mark, partitions);
            }

            @Override
            public void commit(Mark<PgLsn> mark, Collection<Integer> partitions) {
                if (commits.incrementAndGet() >= crashAfter) {
                    throw new Crash();
                }
                synchronized (Destination.this) {
                    open.forEach(c -> change(rows, c));
                    writes += open.size();
                    partitions.forEach(p -> marks.put(p, mark));
                }
                open.clear();
            }

            @Override
            public void rollback() {
                open.clear();
            }

            @Override
            public void close() {
                open.clear();
            }
        }
    }
}
