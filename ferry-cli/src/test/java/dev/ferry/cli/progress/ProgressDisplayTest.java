package dev.ferry.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private static final long SECOND = 1_000_000_000L;

    private static Progress progress(String state, int done, long rows, long bytes) {
        return new Progress("orders", state, "FULL_DUMP", done, 4, rows, 1_000_000, bytes, 100L * 1024 * 1024);
    }

    @Test
    void rendersTablesRowsBytesRatesAndEta() {
        String line = ProgressDisplay.render(progress("RUNNING", 1, 250_000, 25L * 1024 * 1024), 50_000, 5.0 * 1024 * 1024);
        assertThat(line).isEqualTo(
                "orders RUNNING/FULL_DUMP  tables 1/4  rows 250.0k/1.0M  25.0 MB/100 MB  50.0k rows/s  5.0 MB/s  ETA 15s");
    }

    @Test
    void showsAnUnknownEtaWithoutThroughput() {
        assertThat(ProgressDisplay.eta(progress("STARTING", 0, 0, 0), 0, 0)).isEqualTo("--");
    }

    @Test
    void estimatesFromRowsWhenBytesAreUnknown() {
        var p = new Progress("j", "RUNNING", null, 0, 1, 100, 1100, 0, 0);
        assertThat(ProgressDisplay.eta(p, 10, 0)).isEqualTo("1m40s");
    }

    @Test
    void redrawsInPlaceOnATerminal() {
        var text = new StringWriter();
        var clock = new AtomicLong();
        var display = new ProgressDisplay(new PrintWriter(text), true, Duration.ofSeconds(5), clock::get);

        display.update(progress("RUNNING", 0, 0, 0));
        clock.addAndGet(2 * SECOND);
        display.update(progress("RUNNING", 1, 100_000, 10L * 1024 * 1024));
        display.finish(progress("COMPLETED", 4, 1_000_000, 100L * 1024 * 1024));

        assertThat(text.toString()).startsWith("\rorders RUNNING").contains("50.0k rows/s").contains("5.0 MB/s")
                .contains("COMPLETED").contains("ETA 0s").endsWith(System.lineSeparator());
    }

    @Test
    void printsALineEveryIntervalOrOnAStateChangeWhenNotATerminal() {
        var text = new StringWriter();
        var clock = new AtomicLong();
        var display = new ProgressDisplay(new PrintWriter(text), false, Duration.ofSeconds(5), clock::get);

        display.update(progress("RUNNING", 0, 0, 0));       // first: printed
        clock.addAndGet(SECOND);
        display.update(progress("RUNNING", 0, 10, 10));     // too soon: skipped
        clock.addAndGet(5 * SECOND);
        display.update(progress("RUNNING", 1, 20, 20));     // interval passed: printed
        clock.addAndGet(SECOND);
        display.update(progress("STOPPING", 1, 20, 20));    // state changed: printed

        assertThat(text.toString().lines()).hasSize(3).noneMatch(l -> l.contains("\r"));
    }

    @Test
    void showsLagAndAppliedRowsOnceAContinuousJobReplicates() {
        var text = new StringWriter();
        var clock = new AtomicLong();
        var display = new ProgressDisplay(new PrintWriter(text), false, Duration.ofSeconds(5), clock::get);

        display.update(new Progress("follow", "RUNNING", "CDC", 4, 4, 10, 10, 1, 1, 1_000, 0.42, 3 * 1024));
        clock.addAndGet(5 * SECOND);
        display.update(new Progress("follow", "RUNNING", "READY_FOR_PROMOTE", 4, 4, 10, 10, 1, 1, 11_000, 0.1, 0));

        assertThat(text.toString().lines()).containsExactly(
                "follow RUNNING/CDC  tables 4/4  lag 0.4s (3.0 KB)  applied 1.0k rows  0 rows/s",
                "follow RUNNING/READY_FOR_PROMOTE  tables 4/4  lag 0.1s (0 B)  applied 11.0k rows  2.0k rows/s");
    }

    @Test
    void showsAnUnknownLagBeforeTheFirstMeasure() {
        var p = new Progress("follow", "RUNNING", "CDC", 1, 1, 0, 0, 0, 0, 0, null, 0);

        assertThat(ProgressDisplay.renderReplication(p, 0)).contains("lag --");
    }
}
