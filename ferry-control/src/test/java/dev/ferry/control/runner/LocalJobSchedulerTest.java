package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LocalJobSchedulerTest {

    @Test
    @Timeout(30)
    void awaitIdleReturnsWhenTheRunnerEndsAndNotBefore() throws InterruptedException {
        try (var scheduler = new LocalJobScheduler()) {
            var release = new CountDownLatch(1);
            assertThat(scheduler.submit("move", () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isTrue();

            assertThat(scheduler.awaitIdle("move", Duration.ofMillis(50))).isFalse();
            assertThat(scheduler.isRunning("move")).isTrue();

            release.countDown();
            assertThat(scheduler.awaitIdle("move", Duration.ofSeconds(20))).isTrue();
            assertThat(scheduler.isRunning("move")).isFalse();
        }
    }

    @Test
    @Timeout(30)
    void awaitIdleOfAJobWithoutRunnerReturnsAtOnce() throws InterruptedException {
        try (var scheduler = new LocalJobScheduler()) {
            assertThat(scheduler.awaitIdle("never-started", Duration.ofMinutes(5))).isTrue();
        }
    }
}
