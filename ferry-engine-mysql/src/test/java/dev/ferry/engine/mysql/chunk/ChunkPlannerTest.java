package dev.ferry.engine.mysql.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {
    private static List<String> ids(List<KeyRange> ranges) {
        return ranges.stream().map(KeyRange::id).toList();
    }

    @Test
    void cutsAnIntegerKeyIntoEqualWidthsOpenAtBothEnds() {
        List<KeyRange> ranges = ChunkPlanner.equalWidths(BigInteger.ONE, BigInteger.valueOf(1000), 1000, 250, 100);

        assertThat(ids(ranges)).containsExactly("[*,251)", "[251,501)", "[501,751)", "[751,*)");
    }

    @Test
    void aSmallTableIsOneRange() {
        assertThat(ChunkPlanner.equalWidths(BigInteger.ONE, BigInteger.valueOf(10), 10, 250, 100)).containsExactly(KeyRange.ALL);
    }

    @Test
    void withoutAnEstimateTheKeySpanDecidesAndNeverMoreRangesThanKeys() {
        assertThat(ChunkPlanner.equalWidths(BigInteger.ZERO, BigInteger.valueOf(99), 0, 10, 100)).hasSize(10);
        assertThat(ChunkPlanner.equalWidths(BigInteger.valueOf(5), BigInteger.valueOf(7), 1_000_000, 1, 100)).hasSize(3);
    }

    @Test
    void theChunkCountIsCapped() {
        assertThat(ChunkPlanner.equalWidths(BigInteger.ZERO, BigInteger.valueOf(1_000_000), 1_000_000, 1, 8)).hasSize(8);
    }

    @Test
    void handlesTheWholeUnsignedBigintRange() {
        BigInteger max = new BigInteger("18446744073709551615");
        List<KeyRange> ranges = ChunkPlanner.equalWidths(BigInteger.ZERO, max, 4_000_000, 1_000_000, 100);

        assertThat(ranges).hasSize(4);
        assertThat(ranges.getFirst().lower()).isNull();
        assertThat(ranges.getLast().upper()).isNull();
    }

    @Test
    void rangesChainEachUpperBoundToTheNextLowerBound() {
        List<KeyRange> ranges = ChunkPlanner.equalWidths(BigInteger.valueOf(-50), BigInteger.valueOf(49), 100, 30, 100);

        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i).lower()).isSameAs(ranges.get(i - 1).upper());
        }
        assertThat(ids(ranges)).containsExactly("[*,-25)", "[-25,0)", "[0,25)", "[25,*)");
    }

    @Test
    void sizesChunksByRowsBytesAndWorkers() {
        ChunkSizing sizing = new ChunkSizing(1_000, 100_000, 1_000_000, 64);

        assertThat(sizing.rowsPerChunk(1_000_000, 100_000_000, 4)).isEqualTo(10_000);
        assertThat(sizing.rowsPerChunk(40_000, 400_000, 4)).isEqualTo(10_000);
        assertThat(sizing.rowsPerChunk(2_000, 200, 4)).isEqualTo(1_000);
        assertThat(sizing.rowsPerChunk(0, 0, 4)).isEqualTo(100_000);
    }
}
