package dev.ferry.server.declare;

import dev.ferry.control.declare.FieldChange;
import dev.ferry.control.declare.PlanEntry;
import java.util.List;

/**
 * The answer of a PUT with {@code validateOnly=true}: what the call would do. {@code action} is CREATE, UPDATE,
 * UNCHANGED or REFUSED; {@code changes} lists the fields with their values before and after (secrets only as set,
 * not set or changed); {@code lifecycle} the verb run afterwards (start, resume, stop); {@code reason} why it is
 * refused.
 */
public record PlanJson(String kind, String name, String action, List<FieldChange> changes, String lifecycle,
        String reason) {

    static PlanJson of(PlanEntry entry) {
        return new PlanJson(entry.kind(), entry.name(), entry.action().name(), entry.changes().isEmpty() ? null
                : entry.changes(), entry.lifecycle(), entry.reason());
    }
}
