package dev.ferry.core.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FaultBudgetTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void overlappingFaultsOfSeveralWorkersCountOnce() {
        var budget = new FaultBudget(Duration.ofSeconds(60), clock);
        budget.openFault();
        budget.openFault();
        clock.advance(Duration.ofSeconds(10));
        budget.closeFault();
        clock.advance(Duration.ofSeconds(5));
        budget.closeFault();
        clock.advance(Duration.ofSeconds(100));

        assertThat(budget.spent()).isEqualTo(Duration.ofSeconds(15));
        assertThat(budget.exhausted()).isFalse();
        assertThat(budget.remaining()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void anOpenFaultSpendsTheBudgetWhileItLasts() {
        var budget = new FaultBudget(Duration.ofSeconds(30), clock);
        budget.openFault();
        clock.advance(Duration.ofSeconds(29));
        assertThat(budget.exhausted()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(budget.exhausted()).isTrue();
        assertThat(budget.remaining()).isZero();
    }

    @Test
    void closingWithoutAnOpenFaultChangesNothing() {
        var budget = new FaultBudget(Duration.ofSeconds(30), clock);
        budget.closeFault();
        clock.advance(Duration.ofSeconds(40));
        assertThat(budget.spent()).isZero();
    }

    @Test
    void backoffGrowsWithJitterAndStaysUnderItsCeiling() {
        var backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
        var random = new SplittableRandom(7);
        for (int attempt = 1; attempt <= 40; attempt++) {
            long ceiling = Math.min(5000, 200L << Math.min(attempt - 1, 30));
            Duration d = backoff.delay(attempt, random);
            assertThat(d.toMillis()).isBetween(ceiling / 2, ceiling);
        }
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
