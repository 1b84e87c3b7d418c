package dev.ferry.control.runner;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.LagSample;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replicating job's lag over time: of the lags measured about twice a second, one every {@link #INTERVAL}
 * goes to the store, where the API's lag history and the console's chart read it and the retention prunes it.
 * Used by the one thread that watches the job's replication.
 */
final class LagSampler {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(LagSampler.class);

    private final Store store;
    private final Clock clock;
    private Instant next = Instant.MIN;

    LagSampler(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void offer(String job, Lag lag) {
        Instant now = clock.instant();
        if (now.isBefore(next)) {
            return;
        }
        next = now.plus(INTERVAL);
        try {
            store.appendLagSample(job, new LagSample(lag.measured(), lag.time(), lag.bytes()));
        } catch (FerryException e) {
            log.atWarn().addKeyValue("job", job).setCause(e)
                    .log("could not record the lag history; the chart misses this point");
        }
    }
}
