package dev.ferry.engine.postgres.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.postgres.copy.CopyRange.BlockRange;
import dev.ferry.engine.postgres.copy.CopyRange.KeyRange;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RangePlannerProperties {
    @Property
    void keyRangesCoverTheKeySpaceWithoutGapsOrOverlap(@ForAll long min, @ForAll @LongRange(min = 0) long span,
            @ForAll @IntRange(min = 1, max = 64) int parts) {
        long max = min + span < min ? Long.MAX_VALUE : min + span;
        List<CopyRange> ranges = RangePlanner.keyRanges("k", min, max, parts);

        assertThat(ranges).hasSizeBetween(1, parts);
        List<KeyRange> keys = ranges.stream().map(KeyRange.class::cast).toList();
        assertThat(keys.getFirst().from()).isNull();
        assertThat(keys.getLast().to()).isNull();
        for (int i = 1; i < keys.size(); i++) {
            assertThat(keys.get(i).from()).isEqualTo(keys.get(i - 1).to()).isGreaterThan(min).isLessThanOrEqualTo(max);
        }
    }

    @Property
    void blockRangesCoverTheHeapWithoutGapsOrOverlap(@ForAll @LongRange(min = 0, max = 1L << 32) long blocks,
            @ForAll @IntRange(min = 1, max = 64) int parts) {
        List<BlockRange> ranges = RangePlanner.blockRanges(blocks, parts).stream().map(BlockRange.class::cast).toList();

        assertThat(ranges).hasSizeBetween(1, parts);
        assertThat(ranges.getFirst().from()).isNull();
        assertThat(ranges.getLast().to()).isNull();
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i).from()).isEqualTo(ranges.get(i - 1).to()).isPositive().isLessThan(blocks);
        }
    }
}
