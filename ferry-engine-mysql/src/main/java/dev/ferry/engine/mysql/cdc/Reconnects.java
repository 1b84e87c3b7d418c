package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Position.BinlogPosition;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what an ended binlog stream means: a refusal by the source or an undecodable event is fatal; a
 * lost connection is retried at once from the applied position with a short pause, until it fails
 * {@value #MAX_ATTEMPTS} times in a row without progress (about a second: a killed dump thread, a blip). Then the
 * loss is thrown as UNAVAILABLE, and the job's retrier takes over: it reopens the source and destination sessions
 * with backoff, shows the job RECONNECTING, and gives up only when the job's fault budget is spent. Not thread-safe.
 */
final class Reconnects {
    private static final Logger log = LoggerFactory.getLogger(Reconnects.class);
    static final int MAX_ATTEMPTS = 3;

    /** The stream ended without a fatal error; streaming resumes from the applied position. */
    static final class Disconnected extends Exception {
        Disconnected(String why, Throwable cause) {
            super(why, cause);
        }
    }

    private final ReplicationContext ctx;
    private final dev.ferry.core.spi.engine.ReplicationListener listener;
    private int failures;
    private boolean reconnecting;

    Reconnects(ReplicationContext ctx, dev.ferry.core.spi.engine.ReplicationListener listener) {
        this.ctx = ctx;
        this.listener = listener;
    }

    /** An event arrived: after a loss, the job's health shows the stream works again. */
    void streaming() {
        if (reconnecting) {
            reconnecting = false;
            listener.recovered();
        }
    }

    /** Throws the failure when it is fatal; returns it as a lost connection otherwise. */
    static Disconnected classify(BinlogStream.Item.Failed f, ReplicationContext ctx, BinlogPosition applied) {
        if (f.error() instanceof ServerException s) {
            throw ctx.refused(s, applied);
        }
        if (f.undecodable()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("An event of the source's binary log after %s could not be"
                    + " decoded (%s); the change cannot be replicated faithfully, so replication stopped").formatted(applied.text(),
                    f.error().getMessage()), f.error());
        }
        return new Disconnected(String.valueOf(f.error().getMessage()), f.error());
    }

    /** The stream was lost; {@code progressed} when something was applied since the previous loss. Pauses, or gives up. */
    void lost(Disconnected d, boolean progressed, BinlogPosition applied) throws InterruptedException {
        failures = progressed ? 1 : failures + 1;
        if (failures > MAX_ATTEMPTS) {
            throw new FerryException(ErrorCode.UNAVAILABLE, ("The binlog connection to source %s:%d failed %d times in a row (%s);"
                    + " check the source and its network").formatted(ctx.source().host(), ctx.source().port(),
                    failures - 1, d.getMessage()), d.getCause());
        }
        log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("position", applied.text()).addKeyValue("attempt", failures)
                .addKeyValue("reason", d.getMessage()).log("binlog connection lost; streaming again from the applied position");
        long pause = Math.min(5_000, 200L * failures);
        reconnecting = true;
        listener.faulted(failures, "The binlog connection to source %s:%d was lost (%s)".formatted(ctx.source().host(),
                ctx.source().port(), d.getMessage()), java.time.Duration.ofMillis(pause));
        long until = ctx.clock().millis() + pause;
        while (ctx.clock().millis() < until) {
            if (ctx.cancelled().getAsBoolean()) {
                throw new InterruptedException("replication of job " + ctx.job() + " was stopped");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
