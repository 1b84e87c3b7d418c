package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceLogTest {
    private static final long PAGE = 8192;
    private static final long SEGMENT = 16L << 20;

    @Test
    void anInsertPositionJustPastAPageHeaderMeansTheLastRecordEndedAtTheBoundary() {
        assertThat(SourceLog.lastRecordEnd(5 * PAGE + 24, PAGE, SEGMENT)).isEqualTo(5 * PAGE);
        assertThat(SourceLog.lastRecordEnd(3 * SEGMENT + 40, PAGE, SEGMENT)).isEqualTo(3 * SEGMENT);
    }

    @Test
    void anyOtherInsertPositionIsTheEndOfTheLastRecord() {
        assertThat(SourceLog.lastRecordEnd(5 * PAGE + 40, PAGE, SEGMENT)).isEqualTo(5 * PAGE + 40);
        assertThat(SourceLog.lastRecordEnd(3 * SEGMENT + 24, PAGE, SEGMENT)).isEqualTo(3 * SEGMENT + 24);
        assertThat(SourceLog.lastRecordEnd(5 * PAGE + 1000, PAGE, SEGMENT)).isEqualTo(5 * PAGE + 1000);
    }
}
