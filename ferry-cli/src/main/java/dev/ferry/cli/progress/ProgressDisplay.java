package dev.ferry.cli.progress;

import dev.ferry.cli.output.Units;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The live progress of a migration on standard error: tables done/total, rows, bytes, throughput
 * (rows/s and MB/s over the last few seconds) and an ETA; once a continuous job replicates, its lag
 * and the rows applied with their rate instead. On a terminal the line is redrawn in place
 * with {@code \r}; otherwise a line is printed every {@code lineInterval} and whenever the state or
 * phase changes, so logs stay readable. Not thread-safe: one thread calls {@link #update}.
 */
public final class ProgressDisplay {
    private static final long WINDOW_NANOS = Duration.ofSeconds(10).toNanos();

    private final PrintWriter err;
    private final boolean terminal;
    private final long lineIntervalNanos;
    private final LongSupplier nanoTime;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long lastLineAt;
    private String lastStatus;
    private int drawnWidth;

    public ProgressDisplay(PrintWriter err, boolean terminal, Duration lineInterval, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.lineIntervalNanos = lineInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A display for this process's standard error, a line every 5 seconds when it is not a terminal. */
    public static ProgressDisplay forStderr(PrintWriter err, boolean terminal) {
        return new ProgressDisplay(err, terminal, Duration.ofSeconds(5), System::nanoTime);
    }

    /** Records a sample and draws the line when due. */
    public void update(Progress progress) {
        long now = nanoTime.getAsLong();
        samples.addLast(new Sample(now, progress.rowsCopied(), progress.bytesCopied(), progress.rowsApplied()));
        while (samples.size() > 2 && now - samples.peekFirst().nanos() > WINDOW_NANOS) {
            samples.removeFirst();
        }
        String status = progress.state() + "/" + progress.phase();
        String line = line(progress);
        if (terminal) {
            draw(line);
        } else if (lastStatus == null || !status.equals(lastStatus) || now - lastLineAt >= lineIntervalNanos) {
            err.println(line);
            err.flush();
            lastLineAt = now;
        }
        lastStatus = status;
    }

    /** Ends the display: the last line stays, followed by a newline on a terminal. */
    public void finish(Progress progress) {
        String line = line(progress);
        if (terminal) {
            draw(line);
            err.println();
        } else {
            err.println(line);
        }
        err.flush();
        drawnWidth = 0;
    }

    /** Clears the in-place line (on a terminal) so that a message can be printed on its own line. */
    public void clear() {
        if (terminal && drawnWidth > 0) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            err.flush();
            drawnWidth = 0;
        }
    }

    private void draw(String line) {
        String pad = line.length() < drawnWidth ? " ".repeat(drawnWidth - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        drawnWidth = line.length();
    }

    private String line(Progress progress) {
        return progress.replicating() ? renderReplication(progress, appliedPerSecond())
                : render(progress, rowsPerSecond(), bytesPerSecond());
    }

    double rowsPerSecond() {
        return rate(Sample::rows);
    }

    double appliedPerSecond() {
        return rate(Sample::applied);
    }

    double bytesPerSecond() {
        return rate(Sample::bytes);
    }

    private double rate(ToLongFunction<Sample> value) {
        if (samples.size() < 2) {
            return 0;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long nanos = last.nanos() - first.nanos();
        if (nanos <= 0) {
            return 0;
        }
        return Math.max(0, value.applyAsLong(last) - value.applyAsLong(first)) * 1e9 / nanos;
    }

    /**
     * One progress line, such as {@code orders RUNNING/FULL_DUMP  tables 3/12  rows 1.2M/5.0M
     * 412 MB/1.6 GB  45.1k rows/s  12.4 MB/s  ETA 1m05s}. Pure.
     */
    public static String render(Progress p, double rowsPerSecond, double bytesPerSecond) {
        StringBuilder line = new StringBuilder();
        line.append(p.job()).append(' ').append(p.state());
        if (p.phase() != null) {
            line.append('/').append(p.phase());
        }
        line.append("  tables ").append(p.tablesDone()).append('/').append(p.tablesTotal());
        line.append("  rows ").append(Units.compact(p.rowsCopied()));
        if (p.rowsEstimated() > 0) {
            line.append('/').append(Units.compact(p.rowsEstimated()));
        }
        line.append("  ").append(Units.bytes(p.bytesCopied()));
        if (p.bytesEstimated() > 0) {
            line.append('/').append(Units.bytes(p.bytesEstimated()));
        }
        line.append("  ").append(Units.rowsPerSecond(rowsPerSecond));
        line.append("  ").append(Units.bytesPerSecond(bytesPerSecond));
        line.append("  ETA ").append(eta(p, rowsPerSecond, bytesPerSecond));
        return line.toString();
    }

    /**
     * The line of a job that replicates, such as {@code orders RUNNING/CDC  tables 12/12  lag 0.4s
     * (12.0 KB)  applied 1.2M rows  3.4k rows/s}. Pure.
     */
    public static String renderReplication(Progress p, double appliedPerSecond) {
        StringBuilder line = new StringBuilder();
        line.append(p.job()).append(' ').append(p.state()).append('/').append(p.phase());
        line.append("  tables ").append(p.tablesDone()).append('/').append(p.tablesTotal());
        line.append("  lag ");
        if (p.lagSeconds() == null) {
            line.append("--");
        } else {
            line.append(String.format(Locale.ROOT, "%.1fs", p.lagSeconds())).append(" (").append(Units.bytes(p.lagBytes()))
                    .append(')');
        }
        line.append("  applied ").append(Units.compact(p.rowsApplied())).append(" rows");
        line.append("  ").append(Units.rowsPerSecond(appliedPerSecond));
        return line.toString();
    }

    /** Time left from what remains and the current rate; bytes when estimated, else rows; "--" when unknown. */
    static String eta(Progress p, double rowsPerSecond, double bytesPerSecond) {
        if (p.tablesTotal() > 0 && p.tablesDone() == p.tablesTotal()) {
            return "0s";
        }
        if (p.bytesEstimated() > 0 && bytesPerSecond > 0) {
            long left = Math.max(0, p.bytesEstimated() - p.bytesCopied());
            return Units.duration(Duration.ofSeconds((long) Math.ceil(left / bytesPerSecond)));
        }
        if (p.rowsEstimated() > 0 && rowsPerSecond > 0) {
            long left = Math.max(0, p.rowsEstimated() - p.rowsCopied());
            return Units.duration(Duration.ofSeconds((long) Math.ceil(left / rowsPerSecond)));
        }
        return "--";
    }

    private record Sample(long nanos, long rows, long bytes, long applied) {}
}
