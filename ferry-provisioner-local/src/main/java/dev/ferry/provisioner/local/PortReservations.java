package dev.ferry.provisioner.local;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.process.Ports;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Ports of instances being created, so two concurrent creates never pick the same free port, and no
 * create takes the port of a stopped instance. Thread-safe.
 */
final class PortReservations {
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Integer> pending = new HashSet<>();

    /**
     * Checks the {@code asked} port, or picks a free one, and holds it until {@link #release}.
     * {@code recorded} gives the ports of the instances already kept in {@code instancesDir}.
     */
    int reserve(Integer asked, Supplier<Set<Integer>> recorded, Path instancesDir) {
        lock.lock();
        try {
            var taken = new HashSet<>(pending);
            taken.addAll(recorded.get());
            int port;
            if (asked != null) {
                if (taken.contains(asked)) {
                    throw new FerryException(ErrorCode.ALREADY_EXISTS,
                            "Port %d is already used by another instance in %s; choose another port or leave it empty"
                                    .formatted(asked, instancesDir));
                }
                Ports.requireFree(asked);
                port = asked;
            } else {
                port = Ports.free(taken);
            }
            pending.add(port);
            return port;
        } finally {
            lock.unlock();
        }
    }

    void release(int port) {
        lock.lock();
        try {
            pending.remove(port);
        } finally {
            lock.unlock();
        }
    }
}
