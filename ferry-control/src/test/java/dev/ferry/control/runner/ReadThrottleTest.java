package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.spi.engine.CopyProgress;
import org.junit.jupiter.api.Test;

class ReadThrottleTest {

    @Test
    void withoutACapTheProgressIsPassedOnAsItIs() {
        CopyProgress progress = (rows, bytes) -> { };
        assertThat(new ReadThrottle(null).around(progress)).isSameAs(progress);
    }

    @Test
    void aPauseEarnsAtMostOneSecondOfCreditSoTheReadsAfterItStayNearTheRate() throws Exception {
        var throttled = new ReadThrottle(100_000L).around((rows, bytes) -> { });
        throttled.copied(1, 10_000);
        Thread.sleep(2_000); // a yield or a fault: nothing read for 2 s

        long started = System.nanoTime();
        throttled.copied(2, 10_000 + 300_000); // 3 s worth of bytes at 100 KB/s
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        // Without the cap on credit the 2 s pause would let this pass after about 1.1 s; with it, about 2.1 s.
        assertThat(waitedMillis).isBetween(1_700L, 6_000L);
    }
}
