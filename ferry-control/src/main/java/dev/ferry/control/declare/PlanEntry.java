package dev.ferry.control.declare;

import java.util.List;
import java.util.Objects;

/**
 * What applying a declaration does to one resource: {@code kind} ({@code connectionProfile} or
 * {@code migrationJob}), its name, the action, the fields that change, the lifecycle verb run afterwards
 * ({@code start}, {@code resume}, {@code stop}; null for none) and, when refused, why.
 */
public record PlanEntry(String kind, String name, PlanAction action, List<FieldChange> changes, String lifecycle,
        String reason) {
    public static final String PROFILE = "connectionProfile";
    public static final String JOB = "migrationJob";

    public PlanEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /** An entry that changes nothing, for the reason given (it still lists the changes that were asked for). */
    public static PlanEntry refused(String kind, String name, List<FieldChange> changes, String reason) {
        return new PlanEntry(kind, name, PlanAction.REFUSED, changes, null, reason);
    }

    /** CREATE when {@code created}, else UPDATE when anything changes or a verb runs, else UNCHANGED. */
    public static PlanEntry of(String kind, String name, boolean created, List<FieldChange> changes, String lifecycle) {
        PlanAction action = created ? PlanAction.CREATE
                : !changes.isEmpty() || lifecycle != null ? PlanAction.UPDATE : PlanAction.UNCHANGED;
        return new PlanEntry(kind, name, action, changes, lifecycle, null);
    }
}
