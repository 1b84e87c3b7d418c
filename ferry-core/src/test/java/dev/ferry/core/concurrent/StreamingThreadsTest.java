package dev.ferry.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StreamingThreadsTest {
    private static final List<Integer> TEN = IntStream.range(0, 10).boxed().toList();

    @Test
    @Timeout(30)
    void runsEveryItemOnPlatformThreadsNeverMoreThanTheBoundAtOnce() throws Exception {
        var running = new AtomicInteger();
        var most = new AtomicInteger();
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        var firstThree = new CountDownLatch(3);
        StreamingThreads.runAll("test-", TEN, 3, "the work", item -> {
            assertThat(Thread.currentThread().isVirtual()).isFalse();
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            firstThree.countDown();
            firstThree.await(5, TimeUnit.SECONDS); // the first three wait for each other; later ones pass
            running.decrementAndGet();
            done.add(item);
        });
        assertThat(done).containsExactlyInAnyOrderElementsOf(TEN);
        assertThat(most.get()).isEqualTo(3);
    }

    @Test
    @Timeout(30)
    void theFirstFailureCancelsTheRunningTasksStartsNoMoreAndIsRethrownOnceTheyEnded() {
        var started = new AtomicInteger();
        var cancelledEnded = new AtomicInteger();
        var failing = new CountDownLatch(1);
        assertThatThrownBy(() -> StreamingThreads.runAll("test-", TEN, 2, "the work", item -> {
            started.incrementAndGet();
            if (item == 1) {
                failing.await();
                throw new IllegalStateException("item 1 broke");
            }
            failing.countDown();
            try {
                new CountDownLatch(1).await(); // runs until interrupted
            } catch (InterruptedException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // ends a little after its cancel
                cancelledEnded.incrementAndGet();
                throw e;
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("item 1 broke");
        assertThat(started.get()).as("no task starts after the failure").isEqualTo(2);
        assertThat(cancelledEnded.get()).as("the sibling was interrupted and had ended").isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void aCheckedFailureIsWrappedNamingTheWork() {
        assertThatThrownBy(() -> StreamingThreads.runAll("test-", List.of(1), 1, "Copying table t", item -> {
            throw new java.io.IOException("disk gone");
        })).isInstanceOf(IllegalStateException.class).hasMessage("Copying table t failed").hasRootCauseMessage("disk gone");
    }

    @Test
    @Timeout(30)
    void anInterruptOfTheCallerCancelsTheRunningTasksAndIsRethrownOnceTheyEnded() throws Exception {
        var running = new CountDownLatch(2);
        var cancelledEnded = new AtomicInteger();
        var outcome = new AtomicReference<Throwable>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                StreamingThreads.runAll("test-", TEN, 2, "the work", item -> {
                    running.countDown();
                    try {
                        new CountDownLatch(1).await(); // runs until interrupted
                    } catch (InterruptedException e) {
                        cancelledEnded.incrementAndGet();
                        throw e;
                    }
                });
                outcome.set(new AssertionError("returned normally"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(caller.isAlive()).as("the caller did not wait for tasks that run until interrupted").isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(cancelledEnded.get()).as("both running tasks were interrupted and had ended").isEqualTo(2);
    }
}
