package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Remembers what a replication reported, for assertions from the test thread. */
class RecordingListener implements ReplicationListener {
    final AtomicLong rows = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final AtomicLong lagReports = new AtomicLong();
    final AtomicReference<Duration> lag = new AtomicReference<>();
    final AtomicLong lagBytes = new AtomicLong(-1);
    final AtomicReference<Position> last = new AtomicReference<>();
    final List<String> unsupported = new CopyOnWriteArrayList<>();
    final List<String> notices = new CopyOnWriteArrayList<>();
    final List<String> diverged = new CopyOnWriteArrayList<>();
    final AtomicReference<PipelineStats> stats = new AtomicReference<>();

    @Override
    public void applied(Position position, Instant sourceCommitTime, Map<TableRef, Long> counts) {
        counts.values().forEach(rows::addAndGet);
        commits.incrementAndGet();
        last.set(position);
    }

    @Override
    public void lag(Duration lagTime, long bytes) {
        lag.set(lagTime);
        lagBytes.set(bytes);
        lagReports.incrementAndGet();
    }

    @Override
    public void unsupported(TableRef table, String what) {
        unsupported.add(table + ": " + what);
    }

    @Override
    public void notice(String message) {
        notices.add(message);
    }

    @Override
    public void diverged(TableRef table, String detail) {
        diverged.add(table + ": " + detail);
    }

    @Override
    public void pipeline(PipelineStats s) {
        stats.set(s);
    }

    /** Passes everything to a recording listener and tells the retrier the stream works (as the job's listener does). */
    record Delegate(RecordingListener to, dev.ferry.core.fault.Retrier.Recovery healthy) implements ReplicationListener {
        @Override
        public void applied(Position position, Instant sourceCommitTime, Map<TableRef, Long> counts) {
            healthy.progressed();
            to.applied(position, sourceCommitTime, counts);
        }

        @Override
        public void lag(Duration lagTime, long bytes) {
            healthy.reached();
            to.lag(lagTime, bytes);
        }

        @Override
        public void unsupported(TableRef table, String what) {
            to.unsupported(table, what);
        }

        @Override
        public void notice(String message) {
            to.notice(message);
        }

        @Override
        public void diverged(TableRef table, String detail) {
            to.diverged(table, detail);
        }
    }
}
