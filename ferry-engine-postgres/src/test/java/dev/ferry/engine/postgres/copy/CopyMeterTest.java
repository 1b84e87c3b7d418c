package dev.ferry.engine.postgres.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyMeterTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private long millis;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void reportsRunningTotalsAtMostOncePerIntervalAndAlwaysTheFinalOnes() {
        var clock = new ManualClock();
        List<long[]> reports = new ArrayList<>();
        var meter = new CopyMeter((rows, bytes) -> reports.add(new long[] {rows, bytes}), clock, 250);

        meter.add(1, 10);
        clock.millis += 100;
        meter.add(1, 10);
        clock.millis += 200;
        meter.add(1, 10);
        clock.millis += 10;
        meter.add(1, 10);
        meter.add(1, 10);
        meter.finish(5);

        assertThat(reports).extracting(r -> r[0]).containsExactly(3L, 5L);
        assertThat(reports.getLast()[1]).isEqualTo(50L);
    }
}
