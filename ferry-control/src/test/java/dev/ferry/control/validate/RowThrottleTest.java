package dev.ferry.control.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RowThrottleTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void rowsBeyondTheRateAndItsOneSecondBurstWait() {
        var now = new AtomicLong(0);
        var throttle = new RowThrottle(1000L, now::get);
        assertThat(throttle.charge(1000)).as("one second of rows fits the burst").isZero();
        assertThat(throttle.charge(3000)).as("four seconds of rows at once: three beyond the burst").isEqualTo(3 * SECOND);
        now.set(4 * SECOND);
        assertThat(throttle.charge(500)).as("once they were due, the budget is back").isZero();
        assertThat(throttle.charge(1000)).isEqualTo(SECOND / 2);
        now.set(100 * SECOND);
        assertThat(throttle.charge(1000)).as("idle time does not bank more than the burst").isZero();
        assertThat(throttle.charge(1000)).isEqualTo(SECOND);
    }

    @Test
    void noRateNeverWaits() {
        var throttle = new RowThrottle(null, () -> 0L);
        assertThat(throttle.charge(1_000_000_000)).isZero();
    }
}
