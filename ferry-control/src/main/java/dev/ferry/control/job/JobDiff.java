package dev.ferry.control.job;

import dev.ferry.control.declare.Changes;
import dev.ferry.control.declare.DesiredState;
import dev.ferry.control.declare.FieldChange;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Verb;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What making a stored job match its declaration changes: definition fields (compared by their effective values, so
 * a default written out equals one left out), the lifecycle verb that brings it to its desired state, and why either
 * cannot be done now. Pure.
 */
final class JobDiff {
    private JobDiff() {}

    /** The definition fields that change, the verb to run (null: none), and the refusal (null: none). */
    record Outcome(List<FieldChange> changes, Verb lifecycle, String refusal) {}

    static Outcome diff(MigrationJob job, JobDeclaration declared) {
        JobRequest wanted = declared.definition();
        Changes fixed = new Changes().field("type", job.type(), wanted.type())
                .field("source", job.source(), wanted.source())
                .field("destination", job.destination(), wanted.destination())
                .field("overwriteDestination", job.overwriteDestination(), wanted.overwriteDestination());
        Changes definition = definition(job, wanted);
        List<FieldChange> all = new java.util.ArrayList<>(fixed.list());
        all.addAll(definition.list());
        if (!fixed.isEmpty()) {
            return new Outcome(all, null, ("Migration job %s: %s cannot change after the job is created; delete the job "
                    + "(ferry migration-jobs delete %s) and apply again, or declare a job with another name")
                    .formatted(job.name(), String.join(", ", fixed.fields()), job.name()));
        }
        if (!definition.isEmpty() && !JobLifecycle.isAllowed(job.state(), Verb.PATCH)) {
            return new Outcome(all, null, ("Migration job %s is %s; its %s can change only while it is not running "
                    + "(NOT_STARTED, STOPPED or FAILED). Stop it first (ferry migration-jobs stop %s), then apply again")
                    .formatted(job.name(), job.state(), String.join(", ", definition.fields()), job.name()));
        }
        Lifecycle lifecycle = lifecycle(job, declared.desiredState());
        return new Outcome(all, lifecycle.verb(), lifecycle.refusal());
    }

    private record Lifecycle(Verb verb, String refusal) {}

    private static Lifecycle lifecycle(MigrationJob job, DesiredState desired) {
        if (desired == null) {
            return new Lifecycle(null, null);
        }
        JobState state = job.state();
        if (desired == DesiredState.STOPPED) {
            boolean working = state == JobState.STARTING || state == JobState.RUNNING || state == JobState.RESUMING
                    || state == JobState.RESTARTING;
            return new Lifecycle(working ? Verb.STOP : null, null);
        }
        return switch (state) {
            case NOT_STARTED -> new Lifecycle(Verb.START, null);
            case STOPPED -> new Lifecycle(Verb.RESUME, null);
            case STARTING, RUNNING, RESUMING, RESTARTING, COMPLETED -> new Lifecycle(null, null);
            case FAILED -> new Lifecycle(null, ("Migration job %s FAILED; desiredState running does not decide how it "
                    + "goes on. Read its error (ferry migration-jobs describe %s), then resume or restart it with the verbs")
                    .formatted(job.name(), job.name()));
            case STOPPING -> new Lifecycle(null, "Migration job %s is stopping; apply again once it is STOPPED"
                    .formatted(job.name()));
            case DRAFT, CREATING, UPDATING, DELETING, DELETED -> new Lifecycle(null,
                    "Migration job %s is %s and cannot be started by apply".formatted(job.name(), state));
        };
    }

    /** The verb that brings a job just created to {@code desired}. */
    static Verb afterCreate(DesiredState desired) {
        return desired == DesiredState.RUNNING ? Verb.START : null;
    }

    private static Changes definition(MigrationJob job, JobRequest wanted) {
        ObjectsConfig objects = wanted.objectsConfig() == null ? ObjectsConfig.ALL : wanted.objectsConfig();
        Changes changes = new Changes()
                .field("displayName", blank(job.displayName()), blank(wanted.displayName()))
                .field("labels", job.labels(), wanted.labels() == null ? Map.of() : wanted.labels())
                .field("objectsConfig.include", job.objectsConfig().include(), objects.include())
                .field("objectsConfig.exclude", job.objectsConfig().exclude(), objects.exclude());
        compare(changes, "performanceConfig.", performance(job.performanceConfig()), performance(wanted.performanceConfig()));
        compare(changes, "reliabilityConfig.", reliability(job.reliabilityConfig()), reliability(wanted.reliabilityConfig()));
        return changes;
    }

    private static void compare(Changes changes, String prefix, Map<String, Object> was, Map<String, Object> wanted) {
        was.forEach((field, value) -> changes.field(prefix + field, value, wanted.get(field)));
    }

    /** Performance settings as they take effect: 0 and unset both mean "derive from the cores". */
    static Map<String, Object> performance(PerformanceConfig config) {
        PerformanceConfig c = config == null ? PerformanceConfig.DEFAULT : config;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("parallelism", c.parallelism() == null || c.parallelism() == 0 ? null : c.parallelism());
        values.put("applyPartitions", c.applyPartitions() == null || c.applyPartitions() == 0 ? null : c.applyPartitions());
        values.put("analyze", c.effectiveAnalyze());
        return values;
    }

    /** Reliability settings as they take effect, durations in their short form. */
    static Map<String, Object> reliability(ReliabilityConfig config) {
        ReliabilityConfig c = config == null ? ReliabilityConfig.DEFAULT : config;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("faultBudget", ReliabilityConfig.formatDuration(c.effectiveFaultBudget()));
        values.put("stallTimeout", ReliabilityConfig.formatDuration(c.effectiveStallTimeout()));
        values.put("yieldToDdl", c.effectiveYieldToDdl());
        values.put("lockWait", ReliabilityConfig.formatDuration(c.effectiveLockWait()));
        values.put("onDivergence", c.effectiveOnDivergence().name());
        values.put("maxSourceConnections", c.maxSourceConnections());
        values.put("readBytesPerSecond", c.readBytesPerSecond());
        values.put("captureDdl", c.effectiveCaptureDdl());
        values.put("keepDroppedColumns", c.effectiveKeepDroppedColumns());
        values.put("validation", c.effectiveValidation().name().toLowerCase(Locale.ROOT));
        values.put("validateOnPromote", c.effectiveValidateOnPromote());
        values.put("validationRowsPerSecond", c.validationRowsPerSecond());
        return values;
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
