package dev.ferry.provisioner.local.instance;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.process.LogTail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waits, with a deadline, until a started server accepts connections; never a fixed pause. */
public final class Readiness {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int LOG_LINES = 15;

    private final Clock clock;
    private final Duration timeout;

    public Readiness(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns once {@code ready} is true. Fails at once when {@code alive} turns false, or at the
     * deadline, with the last lines of {@code instance}'s server log.
     */
    public void await(InstanceRecord instance, BooleanSupplier ready, BooleanSupplier alive) {
        Instant deadline = clock.instant().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!alive.getAsBoolean()) {
                throw failure(instance, "exited while starting");
            }
            if (clock.instant().isAfter(deadline)) {
                throw failure(instance, "did not accept connections within %d s".formatted(timeout.toSeconds()));
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException(ErrorCode.CANCELLED,
                        "Stopped while waiting for instance %s to start".formatted(instance.name()), e);
            }
        }
    }

    /** An UNAVAILABLE error for {@code instance} naming what happened and quoting its server log. */
    public static FerryException failure(InstanceRecord instance, String what) {
        return new FerryException(ErrorCode.UNAVAILABLE,
                "The %s server of instance %s %s; see %s. Last lines:%n%s".formatted(
                        instance.engine().id(), instance.name(), what, instance.logFile(),
                        LogTail.of(instance.logFile(), LOG_LINES)));
    }
}
