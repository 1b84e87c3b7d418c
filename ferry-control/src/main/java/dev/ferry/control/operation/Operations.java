package dev.ferry.control.operation;

import dev.ferry.control.access.CurrentCaller;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.Operation;
import dev.ferry.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Records every mutating call as an {@link Operation}. A call repeated with the same request id, verb
 * and target returns the first call's operation and does nothing again. Thread-safe.
 */
public final class Operations {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private final Store store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();

    public Operations(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Operation get(String name) {
        return store.findOperation(name).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                "Operation %s not found".formatted(name)));
    }

    /** The newest {@code limit} operations, newest first. */
    public java.util.List<Operation> list(int limit) {
        return store.listOperations(limit);
    }

    /**
     * Runs {@code action} unless an operation with the same request id, verb and target exists, in which
     * case that operation is returned. The action returns the operation to record (begun with
     * {@link #begin}); exceptions propagate and record nothing, so a refused call can be retried.
     */
    public Operation once(String verb, String target, String requestId, Supplier<Operation> action) {
        if (requestId == null || requestId.isEmpty()) {
            return action.get();
        }
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "requestId must be 1-40 letters, digits, '_' or '-'");
        }
        lock.lock();
        try {
            Optional<Operation> previous = store.findOperationByRequest(requestId, verb, target);
            if (previous.isPresent()) {
                return store.findOperation(previous.get().name()).orElseThrow();
            }
            // The store decides which call runs, across every server sharing it: the first to claim the request id.
            if (!store.claimRequest(requestId, verb, target, clock.instant())) {
                return claimedElsewhere(verb, target, requestId, action);
            }
            return runClaimed(verb, target, requestId, action);
        } finally {
            lock.unlock();
        }
    }

    /** Runs a claimed call; a failure gives the claim up, so a retry may run it again. */
    private Operation runClaimed(String verb, String target, String requestId, Supplier<Operation> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            store.releaseRequest(requestId, verb, target);
            throw e;
        }
    }

    /** How long a call waits for the operation of the same request another server is running. */
    private static final java.time.Duration CLAIM_WAIT = java.time.Duration.ofSeconds(30);

    /**
     * The same request is being run by another server (or was, and failed without an operation): its operation is
     * awaited and returned; when the other call gave its claim up, this one runs instead.
     */
    private Operation claimedElsewhere(String verb, String target, String requestId, Supplier<Operation> action) {
        long deadline = System.nanoTime() + CLAIM_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Operation> theirs = store.findOperationByRequest(requestId, verb, target);
            if (theirs.isPresent()) {
                return store.findOperation(theirs.get().name()).orElseThrow();
            }
            if (store.claimRequest(requestId, verb, target, clock.instant())) {
                return runClaimed(verb, target, requestId, action);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new FerryException(ErrorCode.UNAVAILABLE, ("Request %s (%s on %s) is being handled by another Ferry server "
                + "and has no operation yet; retry with the same request id").formatted(requestId, verb, target));
    }

    /** Records a new operation that is not done yet, made by the {@link CurrentCaller}. */
    public Operation begin(String verb, String target, String requestId, String statusMessage) {
        String name = "op-" + HexFormat.of().formatHex(nextBytes());
        Operation op = new Operation(name, verb, target, false, null, statusMessage,
                requestId == null || requestId.isEmpty() ? null : requestId, clock.instant(), null,
                CurrentCaller.get().name());
        store.insertOperation(op);
        return op;
    }

    /** Records a new operation that is already done (successfully). */
    public Operation done(String verb, String target, String requestId, String statusMessage) {
        Operation op = begin(verb, target, requestId, statusMessage);
        return finish(op.name(), null, statusMessage);
    }

    /** Marks an operation done, failed when {@code error} is not null. */
    public Operation finish(String name, JobError error, String statusMessage) {
        Operation op = get(name);
        if (op.done()) {
            return op;
        }
        Operation finished = op.finished(error, statusMessage, clock.instant());
        store.updateOperation(finished);
        return finished;
    }

    /** Updates the human-readable status of a running operation. */
    public void status(String name, String statusMessage) {
        Operation op = get(name);
        if (!op.done()) {
            store.updateOperation(op.withStatus(statusMessage));
        }
    }

    private byte[] nextBytes() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return bytes;
    }
}
