package dev.ferry.engine.mysql.copy;

/**
 * Rows and bytes copied so far for one chunk, passed on to the table's {@link TableTally} every few hundred rows
 * so that the hot loop rarely takes its lock. Used by one thread.
 */
final class CopyTally {
    private static final int FLUSH_ROWS = 512;

    private final TableTally table;
    private long rows;
    private long bytes;
    private long pendingRows;
    private long pendingBytes;

    CopyTally(TableTally table) {
        this.table = table;
    }

    void add(long moreRows, long moreBytes) {
        rows += moreRows;
        bytes += moreBytes;
        pendingRows += moreRows;
        pendingBytes += moreBytes;
        if (pendingRows >= FLUSH_ROWS) {
            flush();
        }
    }

    /** Passes what is pending to the table's tally. */
    void flush() {
        if (pendingRows > 0 || pendingBytes > 0) {
            table.add(pendingRows, pendingBytes);
            pendingRows = 0;
            pendingBytes = 0;
        }
    }

    long rows() {
        return rows;
    }

    long bytes() {
        return bytes;
    }
}
