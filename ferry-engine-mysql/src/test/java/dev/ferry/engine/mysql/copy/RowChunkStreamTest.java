package dev.ferry.engine.mysql.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.spi.engine.CopyProgress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowChunkStreamTest {

    /** Rows "0", "1", ... in one column; fails at row {@code failAt} when non-negative. */
    private static final class CountingRows implements RowSource {
        private final int total;
        private final int failAt;
        private int current = -1;

        CountingRows(int total, int failAt) {
            this.total = total;
            this.failAt = failAt;
        }

        @Override
        public int columnCount() {
            return 1;
        }

        @Override
        public boolean next() throws SQLException {
            current++;
            if (current == failAt) {
                throw new SQLException("source went away");
            }
            return current < total;
        }

        @Override
        public byte[][] row() {
            return new byte[][] {Integer.toString(current).getBytes(StandardCharsets.US_ASCII)};
        }
    }

    private static CopyTally tally() {
        return new CopyTally(new TableTally(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), CopyProgress.NONE, 0));
    }

    private static String readAll(InputStream in, int bufferSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[bufferSize];
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void splitsRowsIntoChunksOfAtMostMaxRowsWithoutLosingAny() throws IOException {
        RowChunkStream stream = new RowChunkStream(new CountingRows(10, -1), 4, Long.MAX_VALUE, tally());
        List<String> chunks = new ArrayList<>();
        do {
            stream.nextChunk();
            chunks.add(readAll(stream, 3));
        } while (!stream.sourceExhausted());

        assertThat(chunks).containsExactly("0\n1\n2\n3\n", "4\n5\n6\n7\n", "8\n9\n");
    }

    @Test
    void endsAChunkOnceItsBytesReachTheLimit() throws IOException {
        RowChunkStream stream = new RowChunkStream(new CountingRows(5, -1), 100, 3, tally());
        stream.nextChunk();
        assertThat(readAll(stream, 64)).isEqualTo("0\n1\n");
        assertThat(stream.chunkRows()).isEqualTo(2);
    }

    @Test
    void countsRowsAndBytesAcrossChunks() throws IOException {
        CopyTally tally = tally();
        RowChunkStream stream = new RowChunkStream(new CountingRows(12, -1), 5, Long.MAX_VALUE, tally);
        do {
            stream.nextChunk();
            readAll(stream, 1);
        } while (!stream.sourceExhausted());

        assertThat(tally.rows()).isEqualTo(12);
        assertThat(tally.bytes()).isEqualTo(10 * 2 + 2 * 3);
    }

    @Test
    void keepsASourceFailureForTheCaller() {
        RowChunkStream stream = new RowChunkStream(new CountingRows(10, 2), 100, Long.MAX_VALUE, tally());
        stream.nextChunk();

        assertThatThrownBy(() -> readAll(stream, 64)).isInstanceOf(IOException.class);
        assertThat((Throwable) stream.failure()).hasMessage("source went away");
    }

    @Test
    void theTableTallyReportsProgressAtMostEveryQuarterSecond() {
        List<Long> reported = new ArrayList<>();
        long[] now = {0};
        Clock ticking = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                now[0] += 100;
                return Instant.ofEpochMilli(now[0]);
            }
        };
        TableTally table = new TableTally(ticking, (rows, bytes) -> reported.add(rows), 0);
        for (int i = 0; i < 10; i++) {
            table.add(1, 1);
        }

        assertThat(reported).hasSizeBetween(2, 4).isSorted();
    }
}
