package dev.ferry.control.runner;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs each job on its own virtual thread in this process. Thread-safe. */
public final class LocalJobScheduler implements JobScheduler {
    private static final Logger log = LoggerFactory.getLogger(LocalJobScheduler.class);

    /**
     * A runner's thread. It is interrupted once: a second interrupt (a stop and a delete, or a stop seen by two
     * watchers) would hit it while it records its end, and on a PostgreSQL store an interrupt during socket I/O breaks
     * the connection and loses that write.
     */
    private record Handle(Thread thread, CountDownLatch done, java.util.concurrent.atomic.AtomicBoolean interrupted) {
        void interrupt() {
            if (interrupted.compareAndSet(false, true)) {
                thread.interrupt();
            }
        }
    }

    private final Map<String, Handle> running = new ConcurrentHashMap<>();

    @Override
    public boolean submit(String job, Runnable work) {
        boolean[] submitted = {false};
        running.compute(job, (name, current) -> {
            if (current != null && current.done().getCount() > 0) {
                return current;
            }
            submitted[0] = true;
            CountDownLatch done = new CountDownLatch(1);
            Thread thread = Thread.ofVirtual().name("job-" + name).unstarted(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.atError().addKeyValue("job", name).setCause(e).log("job runner ended with an unexpected error");
                } finally {
                    done.countDown();
                }
            });
            Handle handle = new Handle(thread, done, new java.util.concurrent.atomic.AtomicBoolean());
            thread.start();
            return handle;
        });
        return submitted[0];
    }

    @Override
    public void cancel(String job, long waitSeconds) {
        Handle handle = running.get(job);
        if (handle == null) {
            return;
        }
        handle.interrupt();
        await(job, handle, Duration.ofSeconds(waitSeconds));
    }

    private static void await(String job, Handle handle, Duration wait) {
        try {
            if (!handle.done().await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.atWarn().addKeyValue("job", job).log("runner did not end in time after being interrupted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning(String job) {
        Handle handle = running.get(job);
        return handle != null && handle.done().getCount() > 0;
    }

    @Override
    public boolean awaitIdle(String job, Duration timeout) throws InterruptedException {
        Handle handle = running.get(job);
        return handle == null || handle.done().await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        List<Map.Entry<String, Handle>> all = List.copyOf(running.entrySet());
        all.forEach(e -> e.getValue().interrupt());
        all.forEach(e -> await(e.getKey(), e.getValue(), Duration.ofSeconds(20)));
    }
}
