package dev.ferry.control.job;

import dev.ferry.control.declare.Changes;
import dev.ferry.control.declare.PlanEntry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.Verb;
import java.util.Locale;
import java.util.Optional;

/**
 * Declared jobs: the plan that makes a job match its declaration, and applying it through the job's own use cases
 * (create, a whole-definition patch, then start, resume or stop for {@code desiredState}). Thread-safe.
 */
public final class JobDeclarations {
    private final JobService jobs;

    public JobDeclarations(JobService jobs) {
        this.jobs = jobs;
    }

    /** What {@link #put} would do with {@code declared}, changing nothing. */
    public PlanEntry plan(JobDeclaration declared) {
        requireValid(declared);
        Optional<MigrationJob> current = find(declared.name());
        if (current.isEmpty()) {
            JobRequest r = declared.definition();
            var changes = new Changes().field("type", null, r.type())
                    .field("source", null, r.source()).field("destination", null, r.destination()).list();
            Verb after = JobDiff.afterCreate(declared.desiredState());
            return PlanEntry.of(PlanEntry.JOB, declared.name(), true, changes, after == null ? null : after.apiName());
        }
        JobDiff.Outcome outcome = JobDiff.diff(current.get(), declared);
        if (outcome.refusal() != null) {
            return PlanEntry.refused(PlanEntry.JOB, declared.name(), outcome.changes(), outcome.refusal());
        }
        return PlanEntry.of(PlanEntry.JOB, declared.name(), false, outcome.changes(),
                outcome.lifecycle() == null ? null : outcome.lifecycle().apiName());
    }

    /**
     * Makes job {@code declared.name()} match {@code declared}: creates it or replaces its definition, then runs the
     * lifecycle verb the plan names. Returns the last operation (the verb's when one runs). A refused plan throws
     * FAILED_PRECONDITION with its reason and changes nothing.
     */
    public Operation put(JobDeclaration declared, String requestId) {
        PlanEntry plan = plan(declared);
        Operation op = switch (plan.action()) {
            case REFUSED -> throw new FerryException(ErrorCode.FAILED_PRECONDITION, plan.reason());
            case CREATE -> jobs.create(declared.definition(), requestId);
            case UPDATE, UNCHANGED, DELETE -> plan.changes().isEmpty() ? null
                    : jobs.redefine(declared.name(), declared.definition(), requestId);
        };
        Verb lifecycle = plan.lifecycle() == null ? null : Verb.valueOf(plan.lifecycle().toUpperCase(Locale.ROOT));
        if (lifecycle == Verb.START) {
            op = jobs.start(declared.name(), false, requestId);
        } else if (lifecycle == Verb.RESUME) {
            op = jobs.resume(declared.name(), false, requestId);
        } else if (lifecycle == Verb.STOP) {
            op = jobs.stop(declared.name(), requestId);
        }
        return op != null ? op : jobs.unchanged(declared.name(), requestId);
    }

    private Optional<MigrationJob> find(String name) {
        try {
            return Optional.of(jobs.get(name));
        } catch (FerryException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            return Optional.empty();
        }
    }

    private static void requireValid(JobDeclaration declared) {
        JobRequest r = declared.definition();
        ConnectionProfile.requireValidName(r.name(), "migration job");
        if (r.type() == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A job type is required: ONE_TIME or CONTINUOUS");
        }
        if (r.source() == null || r.source().isBlank() || r.destination() == null || r.destination().isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Migration job %s needs a source and a destination connection profile".formatted(r.name()));
        }
        new ObjectSelection(r.objectsConfig() == null ? ObjectsConfig.ALL : r.objectsConfig());
    }
}
