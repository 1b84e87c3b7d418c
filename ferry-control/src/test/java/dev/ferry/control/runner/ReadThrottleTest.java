package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.spi.engine.CopyProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadThrottleTest {
    /** A clock that moves only when told, and by the waits the throttle asks for. */
    private static final class FakePacer implements ReadThrottle.Pacer {
        long now = 1_000_000_000L;
        final List<Duration> waits = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void pause(Duration wait) {
            waits.add(wait);
            now += wait.toNanos();
        }
    }

    @Test
    void withoutACapTheProgressIsPassedOnAsItIs() {
        CopyProgress progress = (rows, bytes) -> { };
        assertThat(new ReadThrottle(null).around(progress)).isSameAs(progress);
    }

    @Test
    void readsWaitUntilTheyFitTheRate() {
        var pacer = new FakePacer();
        var throttled = new ReadThrottle(100_000L, pacer).around((rows, bytes) -> { });

        throttled.copied(1, 50_000);
        throttled.copied(2, 150_000);

        assertThat(pacer.waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void aPauseEarnsAtMostOneSecondOfCreditSoTheReadsAfterItStayNearTheRate() {
        var pacer = new FakePacer();
        var throttled = new ReadThrottle(100_000L, pacer).around((rows, bytes) -> { });
        throttled.copied(1, 10_000);
        pacer.now += Duration.ofSeconds(5).toNanos(); // a yield or a fault: nothing read for 5 s

        throttled.copied(2, 10_000 + 300_000); // 3 s worth of bytes at 100 KB/s

        // Without the cap on credit the 5 s pause would let these bytes through at once; with it, 2 s of waiting.
        assertThat(pacer.waits).last().isEqualTo(Duration.ofSeconds(2));
    }
}
