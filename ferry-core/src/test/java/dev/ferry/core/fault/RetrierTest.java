package dev.ferry.core.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));

    private final List<String> heard = new ArrayList<>();
    private final FaultListener listener = new FaultListener() {
        @Override
        public void faulted(int attempt, String error, Duration retryIn) {
            heard.add("faulted " + attempt + " " + error);
        }

        @Override
        public void recovered() {
            heard.add("recovered");
        }

        @Override
        public void paused(int attempt, String reason, Duration retryIn) {
            heard.add("paused " + attempt + " " + reason);
        }
    };

    private static FailureKind byCode(Throwable t) {
        if (t instanceof FerryException f) {
            return switch (f.code()) {
                case UNAVAILABLE -> FailureKind.TRANSIENT;
                default -> f.getMessage().contains("disk full") ? FailureKind.USER_FIXABLE : FailureKind.FATAL;
            };
        }
        return FailureKind.FATAL;
    }

    private Retrier retrier(Duration budget) {
        return new Retrier(new FaultBudget(budget, Clock.systemUTC()), FAST, RetrierTest::byCode, Clock.systemUTC(),
                new SplittableRandom(1));
    }

    @Test
    void retriesTransientFaultsUntilTheWorkSucceedsAndSaysItRecovered() throws InterruptedException {
        var tries = new AtomicInteger();
        String result = retrier(Duration.ofMinutes(1)).call("copy of db", listener, () -> {
            if (tries.incrementAndGet() < 3) {
                throw new FerryException(ErrorCode.UNAVAILABLE, "server restarting");
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(heard).containsExactly("faulted 1 server restarting", "faulted 2 server restarting", "recovered");
    }

    @Test
    void failsAtOnceOnAFatalErrorWithoutRetrying() {
        var tries = new AtomicInteger();
        var fatal = new FerryException(ErrorCode.FAILED_PRECONDITION, "slot lost");

        assertThatThrownBy(() -> retrier(Duration.ofMinutes(1)).run("replication of db", listener, () -> {
            tries.incrementAndGet();
            throw fatal;
        })).isSameAs(fatal);
        assertThat(tries).hasValue(1);
        assertThat(heard).isEmpty();
    }

    @Test
    void givesUpWithTheLastErrorOnceTheBudgetIsSpent() {
        var retrier = retrier(Duration.ofMillis(30));

        assertThatThrownBy(() -> retrier.run("replication of db", listener, () -> {
            throw new FerryException(ErrorCode.UNAVAILABLE, "connection refused");
        })).isInstanceOf(FerryException.class)
                .hasMessageContaining("replication of db")
                .hasMessageContaining("fault budget")
                .hasMessageContaining("connection refused")
                .satisfies(e -> assertThat(((FerryException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(heard).isNotEmpty().allMatch(h -> h.startsWith("faulted"));
        assertThat(retrier.budget().exhausted()).isTrue();
    }

    @Test
    void aPauseForTheUserDoesNotSpendTheFaultBudget() throws InterruptedException {
        var retrier = retrier(Duration.ofMillis(1));
        var tries = new AtomicInteger();

        retrier.run("copy of db", listener, () -> {
            if (tries.incrementAndGet() < 4) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "disk full");
            }
        });

        assertThat(heard).containsExactly("paused 1 disk full", "paused 2 disk full", "paused 3 disk full", "recovered");
        assertThat(retrier.budget().spent()).isZero();
    }

    @Test
    void aStopEndsTheWaitAtOnce() throws InterruptedException {
        var retrier = new Retrier(new FaultBudget(Duration.ofMinutes(5), Clock.systemUTC()),
                new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)), RetrierTest::byCode, Clock.systemUTC(),
                new SplittableRandom(1));
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        var waiting = new java.util.concurrent.CountDownLatch(1);
        FaultListener signalling = new FaultListener() {
            @Override
            public void faulted(int attempt, String error, Duration retryIn) {
                waiting.countDown();
            }

            @Override
            public void recovered() {}
        };
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                retrier.run("copy", signalling, () -> {
                    throw new FerryException(ErrorCode.UNAVAILABLE, "down");
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        waiting.await();
        worker.interrupt();
        worker.join(Duration.ofSeconds(10));

        assertThat(worker.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(retrier.budget().spent()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void longWorkThatSaysItWorksAgainStopsSpendingTheBudget() throws InterruptedException {
        var retrier = retrier(Duration.ofMinutes(1));
        var tries = new AtomicInteger();

        retrier.runLong("replication of db", listener, healthy -> {
            if (tries.incrementAndGet() == 1) {
                throw new FerryException(ErrorCode.UNAVAILABLE, "connection reset");
            }
            healthy.run();
            Duration spentWhenHealthy = retrier.budget().spent();
            healthy.run();
            assertThat(retrier.budget().spent()).isEqualTo(spentWhenHealthy);
        });

        assertThat(heard).containsExactly("faulted 1 connection reset", "recovered");
    }

    @Test
    void reachingTheServersAgainEndsATransientFaultButNotAPauseOnAFullDisk() throws InterruptedException {
        var retrier = retrier(Duration.ofMinutes(1));
        var tries = new AtomicInteger();

        retrier.runLong("copy of db", listener, healthy -> {
            int n = tries.incrementAndGet();
            if (n == 1) {
                throw new FerryException(ErrorCode.UNAVAILABLE, "connection reset");
            }
            // Every retry reaches both servers again; while the disk is full the copy then fails again.
            healthy.reached();
            if (n <= 3) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "disk full");
            }
            healthy.reached();
            healthy.progressed();
        });

        // The transient fault ends when the servers answer; the pause only when data was written again.
        assertThat(heard).containsExactly("faulted 1 connection reset", "recovered", "paused 1 disk full",
                "paused 2 disk full", "recovered");
    }
}
