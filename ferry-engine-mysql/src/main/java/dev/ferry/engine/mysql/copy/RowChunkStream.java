package dev.ferry.engine.mysql.copy;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;

/**
 * The input of successive LOAD DATA statements, encoded on demand from a {@link RowSource} as the driver
 * reads it: memory holds about one read request (the driver asks for 8 KiB), whatever the table's size. A chunk ends after {@code maxRows} rows or
 * {@code maxBytes} bytes so that each statement stays a modest transaction; {@link #nextChunk()} starts the
 * next one on the same rows. The driver closes the stream after each statement, so {@link #close()} does not
 * end the rows. A failure reading the source is kept in {@link #failure()} (the driver only sees an
 * IOException). Used by one thread at a time.
 */
final class RowChunkStream extends InputStream {
    static final int MAX_READ = 8 * 1024 - 64;

    private final RowSource rows;
    private final long maxRows;
    private final long maxBytes;
    private final CopyTally tally;
    private final ByteSink buffer = new ByteSink(64 * 1024);
    private long chunkRows;
    private long chunkBytes;
    private boolean chunkDone;
    private boolean sourceDone;
    private SQLException failure;

    RowChunkStream(RowSource rows, long maxRows, long maxBytes, CopyTally tally) {
        if (maxRows < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("chunk limits must be positive");
        }
        this.rows = rows;
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.tally = tally;
    }

    /** Starts the next chunk; the rows continue where the last chunk stopped. */
    void nextChunk() {
        if (buffer.remaining() > 0) {
            throw new IllegalStateException("the previous chunk was not read to its end");
        }
        chunkRows = 0;
        chunkBytes = 0;
        chunkDone = false;
    }

    boolean sourceExhausted() {
        return sourceDone;
    }

    long chunkRows() {
        return chunkRows;
    }

    SQLException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        // The driver sends one network packet per read, so fill the request rather than return one row; but stay
        // under its 8 KiB packet buffer (4 bytes go to the header), which it would otherwise swap for a 128 KiB one
        // and back on every packet.
        int want = Math.min(len, MAX_READ);
        while (buffer.remaining() < want && fill()) {
            // each fill appends one row
        }
        if (buffer.remaining() == 0) {
            return -1;
        }
        return buffer.drain(b, off, want);
    }

    @Override
    public void close() {
        // The driver closes the stream after each statement; the rows go on with the next chunk.
    }

    private boolean fill() throws IOException {
        if (chunkDone || sourceDone || failure != null) {
            return false;
        }
        if (chunkRows >= maxRows || chunkBytes >= maxBytes) {
            chunkDone = true;
            return false;
        }
        try {
            if (!rows.next()) {
                sourceDone = true;
                return false;
            }
            int n = LoadDataEncoder.encodeRow(rows.row(), buffer);
            chunkRows++;
            chunkBytes += n;
            tally.add(1, n);
            return true;
        } catch (SQLException e) {
            failure = e;
            throw new IOException("reading the source rows failed", e);
        }
    }
}
