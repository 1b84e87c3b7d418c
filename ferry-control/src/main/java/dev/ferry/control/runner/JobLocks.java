package dev.ferry.control.runner;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** One lock per job name, so use cases and the job's runner never write a job's status at the same time. */
public final class JobLocks {
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public <T> T with(String job, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(job, j -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
