package dev.ferry.engine.postgres.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.postgres.copy.CopyRange.BlockRange;
import dev.ferry.engine.postgres.copy.CopyRange.KeyRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangePlannerTest {
    @Test
    void keyRangesAreEqualWidthAndOpenAtBothEnds() {
        assertThat(RangePlanner.keyRanges("id", 1, 100, 4)).containsExactly(new KeyRange("id", null, 26L),
                new KeyRange("id", 26L, 51L), new KeyRange("id", 51L, 76L), new KeyRange("id", 76L, null));
    }

    @Test
    void aNarrowKeySpanGivesFewerRanges() {
        assertThat(RangePlanner.keyRanges("id", 5, 6, 8))
                .containsExactly(new KeyRange("id", null, 6L), new KeyRange("id", 6L, null));
        assertThat(RangePlanner.keyRanges("id", 7, 7, 8)).containsExactly(new KeyRange("id", null, null));
    }

    @Test
    void theWholeLongRangeSplitsWithoutOverflow() {
        List<CopyRange> ranges = RangePlanner.keyRanges("id", Long.MIN_VALUE, Long.MAX_VALUE, 2);
        assertThat(ranges).containsExactly(new KeyRange("id", null, 0L), new KeyRange("id", 0L, null));
    }

    @Test
    void blockRangesCutTheHeapIntoEqualRuns() {
        assertThat(RangePlanner.blockRanges(10, 3)).containsExactly(new BlockRange(null, 3L), new BlockRange(3L, 6L),
                new BlockRange(6L, null));
        assertThat(RangePlanner.blockRanges(0, 3)).containsExactly(new BlockRange(null, null));
    }

    @Test
    void partsFollowTheSplitSizeWithinBounds() {
        assertThat(RangePlanner.parts(1000, 100, 2)).isEqualTo(10);
        assertThat(RangePlanner.parts(1001, 100, 2)).isEqualTo(11);
        assertThat(RangePlanner.parts(150, 100, 4)).isEqualTo(4);
        assertThat(RangePlanner.parts(Long.MAX_VALUE, 1, 2)).isEqualTo(RangePlanner.MAX_PARTS);
    }

    @Test
    void predicatesQuoteTheColumnAndUseTidLiterals() {
        assertThat(new KeyRange("Order Id", 10L, 20L).predicate()).isEqualTo("\"Order Id\" >= 10 AND \"Order Id\" < 20");
        assertThat(new KeyRange("id", null, 20L).predicate()).isEqualTo("\"id\" < 20");
        assertThat(new BlockRange(4L, null).predicate()).isEqualTo("ctid >= '(4,0)'::pg_catalog.tid");
        assertThat(new CopyRange.Whole().predicate()).isEmpty();
    }
}
