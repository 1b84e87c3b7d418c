package dev.ferry.control.runner;

import dev.ferry.control.validate.ValidationRecords;
import dev.ferry.control.validate.Validator;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validation a one-time job runs once its load is done when its {@code validation} setting asks (data, or full
 * with the schema), sequences included. The result is kept with the job like any validation and told in its events;
 * a difference does not undo the load, it is reported (ERROR event) for the user to act on.
 */
final class AfterLoadValidation {
    private final Store store;
    private final Clock clock;

    AfterLoadValidation(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Validation run(MigrationJob job, dev.ferry.core.spi.engine.Engine engine, DatabaseConnection source,
            DatabaseConnection destination, JobSignals signals) throws InterruptedException {
        var records = new ValidationRecords(store);
        Map<String, List<TableRef>> tables = records.tables(job.name(), null);
        Validation start = new Validation("l" + Long.toString(clock.millis(), 36), job.name(), null,
                job.reliabilityConfig().effectiveValidation(), null, Validation.Status.PENDING, "after the load",
                clock.instant(), null, 0, 0, 0, 0, List.of(), List.of());
        records.start(start);
        signals.event(Severity.INFO, "Validating the destination (%s) as the job's validation setting asks (validation %s)"
                .formatted(start.mode().name().toLowerCase(Locale.ROOT), start.id()));
        int sessions = Validator.sessions(job, Runtime.getRuntime().availableProcessors());
        Validation done = new Validator(engine, clock).run(start, new Validator.Request(job, source, destination, tables,
                start.mode(), null, null, false, true, sessions, job.reliabilityConfig().validationRowsPerSecond()),
                records::put);
        signals.event(done.status() == Validation.Status.CLEAN ? Severity.INFO : Severity.ERROR,
                "Validation %s: %s (%s; %,d rows, %,.0f rows/s)%s".formatted(done.id(),
                        done.status().name().toLowerCase(Locale.ROOT), done.message(), done.rows(), done.rowsPerSecond(),
                        done.status() == Validation.Status.CLEAN ? ""
                                : "; see ferry migration-jobs validations " + job.name()));
        return done;
    }
}
