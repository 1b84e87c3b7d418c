package dev.ferry.control.runner;

import dev.ferry.control.operation.Operations;
import dev.ferry.control.validate.ChunkLedger;
import dev.ferry.control.validate.ValidationRecords;
import dev.ferry.control.validate.Validator;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Validation at promotion ({@code promote --validate}, or the job's {@code validateOnPromote}): once replication
 * applied everything and stopped, and before the destination is made writable, the data is validated; ranges that a
 * validation during this replication found clean and that no change touched since are not read again, so the time it
 * adds follows what changed rather than the database's size. A difference refuses the promotion (the job replicates
 * on) unless it was forced; then the difference is recorded in the job's events.
 */
final class PromotionGate {
    private final Store store;
    private final JobReporter reporter;
    private final Operations operations;
    private final ChunkLedger ledger;
    private final Clock clock;

    PromotionGate(Store store, JobReporter reporter, Operations operations, ChunkLedger ledger, Clock clock) {
        this.store = store;
        this.reporter = reporter;
        this.operations = operations;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** Whether the promotion of {@code job} is to validate first. */
    boolean asked(MigrationJob job) {
        return store.checkpoint(job.name(), ChangeReplication.PROMOTE_VALIDATE).isPresent()
                || job.reliabilityConfig().effectiveValidateOnPromote();
    }

    /** Validates (replication has stopped); true when the promotion is refused. */
    boolean refuses(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            JobSignals signals) throws InterruptedException {
        if (!asked(job)) {
            return false;
        }
        boolean force = store.checkpoint(job.name(), ChangeReplication.PROMOTE_FORCE).isPresent();
        var records = new ValidationRecords(store);
        Map<String, List<TableRef>> tables = records.tables(job.name(), null);
        int planned = 0;
        int pending = 0;
        int unknown = 0;
        for (var database : tables.entrySet()) {
            for (TableRef table : database.getValue()) {
                ChunkLedger.Pending p = ledger.pending(job.name(), database.getKey(), table);
                if (p == null) {
                    unknown++;
                } else {
                    planned += p.ranges().size();
                    pending += p.count();
                }
            }
        }
        String operation = store.checkpoint(job.name(), ChangeReplication.PROMOTE_OPERATION).orElse(null);
        String id = "p" + Long.toString(clock.millis(), 36);
        Validation start = new Validation(id, job.name(), operation, ValidationMode.DATA, null, Validation.Status.PENDING,
                "promotion", clock.instant(), null, 0, 0, 0, 0, List.of(), List.of());
        records.start(start);
        signals.event(Severity.INFO, ("Promotion validates the data before the destination is made writable (validation "
                + "%s): %d of %d range(s) validated during replication changed since and are read again, %d table(s) "
                + "never validated clean are read whole; %d range(s) validated clean and unchanged are not read again")
                .formatted(id, pending, planned, unknown, planned - pending));
        int sessions = Validator.sessions(job, Runtime.getRuntime().availableProcessors());
        Validation done = new Validator(engine, clock).run(start, new Validator.Request(job, source, destination, tables,
                ValidationMode.DATA, null, ledger, true, false, sessions, job.reliabilityConfig().validationRowsPerSecond()),
                records::put);
        String summary = "%s (%,d rows in %d range(s), %,.0f rows/s)".formatted(done.message(), done.rows(),
                done.tableResults().stream().mapToInt(Validation.TableResult::chunks).sum(), done.rowsPerSecond());
        if (done.status() == Validation.Status.CLEAN) {
            signals.event(Severity.INFO, "Promotion validation %s is clean: %s".formatted(id, summary));
            return false;
        }
        String tablesDiffering = done.tableResults().stream().filter(t -> t.status() != Validation.Status.CLEAN)
                .map(t -> "%s (%s)".formatted(t.name(), t.status().name().toLowerCase(java.util.Locale.ROOT)))
                .collect(Collectors.joining(", "));
        if (force) {
            signals.event(Severity.WARNING, "Promotion forced past validation %s, which is %s: %s; tables: %s".formatted(id,
                    done.status().name().toLowerCase(java.util.Locale.ROOT), summary, tablesDiffering));
            return false;
        }
        SchemaReconciliation.refusePromotion(store, reporter, operations, signals, job.name(),
                "validation %s is %s: %s; tables: %s (see ferry migration-jobs validations %s; promote --force overrides)"
                        .formatted(id, done.status().name().toLowerCase(java.util.Locale.ROOT), summary, tablesDiffering,
                                job.name()));
        return true;
    }
}
