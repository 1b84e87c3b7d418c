package dev.ferry.control.access;

import java.util.function.Supplier;

/**
 * The caller of the request being served on this thread. The API server serves every request on a
 * virtual thread of its own and binds the caller around it with {@link #as}; the use cases read it
 * where they record an operation or a job event. Passing it explicitly would thread a parameter
 * through every use case and every in-process caller for a value only the records need. Outside a
 * bound scope (ferry migrate, ferry demo, background work) the caller is {@link Caller#IN_PROCESS}.
 * Thread-safe.
 */
public final class CurrentCaller {
    private static final ThreadLocal<Caller> BOUND = new ThreadLocal<>();

    private CurrentCaller() {}

    /** Runs {@code work} with {@code caller} bound to this thread, restoring the previous binding after. */
    public static <T> T as(Caller caller, Supplier<T> work) {
        Caller previous = BOUND.get();
        BOUND.set(caller);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                BOUND.remove();
            } else {
                BOUND.set(previous);
            }
        }
    }

    /** The bound caller, or {@link Caller#IN_PROCESS}. */
    public static Caller get() {
        Caller caller = BOUND.get();
        return caller == null ? Caller.IN_PROCESS : caller;
    }
}
