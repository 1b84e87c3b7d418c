package dev.ferry.cli.progress;

import java.io.PrintWriter;

/**
 * A one-line status with a spinner and the seconds waited, for waits without numbers (an instance
 * being created). On a terminal the line is redrawn in place; otherwise a line is printed whenever
 * the status text changes. Not thread-safe.
 */
public final class StatusLine {
    private static final char[] SPINNER = {'|', '/', '-', '\\'};

    private final PrintWriter err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private String lastStatus;
    private int width;
    private int tick;

    public StatusLine(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    public void show(String status) {
        if (terminal) {
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            String line = "%c %s (%ds)".formatted(SPINNER[tick++ % SPINNER.length], status, seconds);
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
            err.flush();
        } else if (!status.equals(lastStatus)) {
            err.println("... " + status);
            err.flush();
        }
        lastStatus = status;
    }

    /** Removes the line from a terminal, so the next output starts on a clean line. */
    public void clear() {
        if (terminal && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }
}
